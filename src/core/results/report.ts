/** How a comparison is reported: a side-by-side table for terminals, markdown for reports and the editor, JSON for scripts. */
import type { DeploymentResult } from '../engine/fanout';
import { PRICES_AS_OF, PRICE_TABLE_DATE, PRICE_TABLE_SOURCE } from './pricing';
import { badges, summarise, type DeploymentSummary } from './summary';
import type { Spread } from './stats';
import { formatCost, formatMs } from './format';

export { formatCost, formatMs };


const number = (value: number | null): string => (value === null ? '—' : String(value));
const spreadText = (value: Spread, show: (n: number | null) => string): string => (value.n === 0 ? '—' : `${show(value.p50)} / ${show(value.p95)}`);

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)];
}

function markdownTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map((_, column) => (rightAligned.has(column) ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
}

function badgeText(result: DeploymentResult, winners: ReturnType<typeof badges>): string {
  return [
    winners.fastestFirstToken === result.deployment ? 'fastest first token' : '',
    winners.fastestTotal === result.deployment ? 'fastest total' : '',
    winners.cheapest === result.deployment ? 'cheapest' : '',
  ].filter(Boolean).join(', ');
}

function resultRows(results: readonly DeploymentResult[]): { header: string[]; rows: string[][]; right: Set<number> } {
  const winners = badges(results);
  const header = ['deployment', 'provider', 'model', 'status', 'ttft', 'total', 'tok/s', 'in', 'out', 'cost', 'best'];
  const rows = results.map((result) => [
    result.deployment,
    result.provider,
    result.answeredModel ? `${result.model} (${result.answeredModel})` : result.model,
    statusText(result),
    formatMs(result.metrics.ttftMs),
    formatMs(result.metrics.totalMs),
    number(result.metrics.tokensPerSecond),
    number(result.metrics.inputTokens),
    number(result.metrics.outputTokens),
    formatCost(result.metrics.costUsd),
    badgeText(result, winners),
  ]);
  return { header, rows, right: new Set([4, 5, 6, 7, 8, 9]) };
}

/** "ok", "ok (1 retry)", "ok via eu-gpt4o" when a fallback answered. */
function statusText(result: DeploymentResult): string {
  const retries = result.retries ? ` (${result.retries} ${result.retries === 1 ? 'retry' : 'retries'})` : '';
  const via = result.answeredBy && result.answeredBy !== result.deployment ? ` via ${result.answeredBy}` : '';
  return `${result.status}${via}${retries}`;
}

/** A run with fallbacks: each deployment the chain passed over and why, and who answered. */
export function fallbackNotes(result: DeploymentResult): string[] {
  if (!result.attempts || result.attempts.length < 2) return [];
  const tried = result.attempts.filter((attempt) => attempt.error).map((attempt) => `↪ ${attempt.deployment}: ${attempt.error!.kind} — ${attempt.error!.message}`);
  const outcome = result.answeredBy ? `↪ answered by ${result.answeredBy} (fallback of ${result.deployment})` : `↪ no deployment of ${result.deployment}'s chain answered`;
  return [...tried, outcome];
}

function summaryRows(summaries: readonly DeploymentSummary[]): { header: string[]; rows: string[][]; right: Set<number> } {
  const header = ['deployment', 'ok', 'ttft p50 / p95', 'total p50 / p95', 'tok/s p50 / p95', 'mean cost'];
  const rows = summaries.map((summary) => [
    summary.deployment,
    `${summary.ok}/${summary.runs}`,
    spreadText(summary.ttftMs, formatMs),
    spreadText(summary.totalMs, formatMs),
    spreadText(summary.tokensPerSecond, (n) => (n === null ? '—' : n.toFixed(1))),
    formatCost(summary.costUsd),
  ]);
  return { header, rows, right: new Set([1, 2, 3, 4, 5]) };
}

/** `get_weather {"city":"Paris"}`: a tool call on one line, its arguments cut at `max` characters. */
export function describeToolCall(call: DeploymentResult['toolCalls'][number], max = 200): string {
  const args = call.error ? (call.rawArguments ?? '') : JSON.stringify(call.arguments);
  const shown = args.length > max ? `${args.slice(0, max - 1)}…` : args;
  return `${call.name} ${shown}${call.error ? ` (${call.error})` : ''}`;
}

/** What was asked beyond text and what came back: each tool call, the JSON check with its first error, the warnings. */
export function answerNotes(result: DeploymentResult): string[] {
  const lines = [...fallbackNotes(result), ...result.toolCalls.map((call) => `→ tool call ${describeToolCall(call)}`)];
  if (result.structuredOutput !== null || result.schemaValid !== null || result.schemaErrors.length) {
    const how = result.structuredOutput ? `JSON (${result.structuredOutput})` : 'JSON';
    const [first, ...rest] = result.schemaErrors;
    const more = rest.length ? ` (+${rest.length} more)` : '';
    if (result.schemaValid === true) lines.push(`✓ ${how}: valid against the schema`);
    else if (result.schemaValid === false) lines.push(`✗ ${how}: ${result.json === null ? 'not JSON' : 'invalid'}${first ? ` — ${first}` : ''}${more}`);
    else if (result.status === 'ok') lines.push(`✓ ${how}: parsed`);
    else lines.push(`${how}: not checked (no answer)`);
  }
  lines.push(...result.warnings.map((warning) => `⚠ ${warning}`));
  return lines;
}

function notes(results: readonly DeploymentResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    if (result.error) lines.push(`✗ ${result.deployment}: ${result.error.kind} — ${result.error.message}`);
  }
  const seen = new Set<string>();
  for (const result of results) {
    if (result.metrics.costUsd === null && result.costNote && result.status === 'ok' && !seen.has(result.costNote)) {
      seen.add(result.costNote);
      lines.push(`no price for ${result.deployment}: ${result.costNote}`);
    }
  }
  return lines;
}

export function formatTable(runs: ReadonlyArray<readonly DeploymentResult[]>): string {
  const last = runs[runs.length - 1] ?? [];
  const out: string[] = [];
  if (runs.length > 1) {
    const { header, rows, right } = summaryRows(summarise(runs));
    out.push(`${runs.length} runs · p50 / p95 over the successful runs · ${PRICES_AS_OF}`, '', ...table(header, rows, right), '');
  } else {
    const { header, rows, right } = resultRows(last);
    out.push(`${last.length} deployment${last.length === 1 ? '' : 's'} · ${PRICES_AS_OF}`, '', ...table(header, rows, right), '');
  }
  for (const result of last) {
    const extra = answerNotes(result);
    if (!result.text && !extra.length) continue;
    out.push(`── ${result.deployment} · ${result.model} ${'─'.repeat(Math.max(3, 60 - result.deployment.length - result.model.length))}`);
    if (result.text) out.push(result.text.trimEnd());
    out.push(...extra, '');
  }
  const footer = notes(last);
  if (footer.length) out.push(...footer, '');
  return out.join('\n');
}

export function formatMarkdown(runs: ReadonlyArray<readonly DeploymentResult[]>, prompt: string): string {
  const last = runs[runs.length - 1] ?? [];
  const out: string[] = ['# Fanout comparison', '', `> ${prompt.slice(0, 500).replace(/\n/g, '\n> ')}${prompt.length > 500 ? '…' : ''}`, ''];
  const { header, rows, right } = runs.length > 1 ? summaryRows(summarise(runs)) : resultRows(last);
  if (runs.length > 1) out.push(`${runs.length} runs, p50 / p95 over the successful runs.`, '');
  out.push(...markdownTable(header, rows, right), '', `${PRICES_AS_OF.replace(/^p/, 'P')}.`, '');
  for (const result of last) {
    out.push(`## ${result.deployment} — ${result.model}`, '');
    const extra = answerNotes(result);
    if (result.text || !result.toolCalls.length) out.push(result.text ? result.text.trimEnd() : `*${result.error?.message ?? 'No text.'}*`, '');
    if (extra.length) out.push(...extra.map((line) => `- ${markdownNote(line)}`), '');
  }
  const footer = notes(last);
  if (footer.length) out.push('## Notes', '', ...footer.map((line) => `- ${line}`), '');
  return out.join('\n');
}

/** A note as a markdown list item: tool-call arguments and schema errors in code spans. */
function markdownNote(line: string): string {
  const call = /^→ tool call (\S+) ([\s\S]*)$/.exec(line);
  if (call) return `tool call \`${call[1]}\` \`${call[2]!.replace(/`/g, "'")}\``;
  const check = /^([✓✗] )?(JSON[^:]*): ([\s\S]*?)(?: — ([\s\S]*))?$/.exec(line);
  if (check) {
    const [, error = '', more = ''] = /^([\s\S]*?)( \(\+\d+ more\))?$/.exec(check[4] ?? '') ?? [];
    return `${check[1] ?? ''}**${check[2]}**: ${check[3]}${error ? ` — \`${error.replace(/`/g, "'")}\`${more}` : ''}`;
  }
  return line.startsWith('⚠ ') ? `⚠ **warning**: ${line.slice(2)}` : line;
}

/** A tool call as the JSON document shows it: arguments always an object; the raw text and why when it was not JSON. */
const toolCallJson = (call: DeploymentResult['toolCalls'][number]) => ({
  id: call.id,
  name: call.name,
  arguments: call.arguments,
  ...(call.error !== undefined ? { error: call.error, rawArguments: call.rawArguments ?? null } : {}),
});

const errorJson = (error: DeploymentResult['error']) => (error ? { kind: error.kind, message: error.message, status: error.status, retryable: error.retryable } : null);

/** The JSON document of DESIGN.md's CLI contract, one per invocation. */
export function formatJson(runs: ReadonlyArray<readonly DeploymentResult[]>): string {
  const shape = (result: DeploymentResult, run?: number) => ({
    deployment: result.deployment,
    provider: result.provider,
    model: result.model,
    status: result.status,
    text: result.text,
    finishReason: result.finishReason,
    metrics: {
      ttftMs: result.metrics.ttftMs,
      totalMs: result.metrics.totalMs,
      inputTokens: result.metrics.inputTokens,
      outputTokens: result.metrics.outputTokens,
      tokensPerSecond: result.metrics.tokensPerSecond,
      costUsd: result.metrics.costUsd,
      // null where the cloud does not say
      reasoningTokens: result.metrics.reasoningTokens ?? null,
      cacheReadTokens: result.cachedInputTokens,
      cacheWriteTokens: result.metrics.cacheWriteTokens ?? null,
      phases: null,
    },
    error: errorJson(result.error),
    requestId: result.requestId,
    retries: result.retries,
    costNote: result.costNote,
    toolCalls: result.toolCalls.map(toolCallJson),
    reasoning: result.reasoning ?? null,
    json: result.json ?? null,
    schemaValid: result.schemaValid,
    schemaErrors: result.schemaErrors,
    structuredOutput: result.structuredOutput,
    warnings: result.warnings,
    ...(result.attempts ? {
      answeredBy: result.answeredBy ?? null,
      attempts: result.attempts.map((attempt) => ({ deployment: attempt.deployment, error: errorJson(attempt.error), costUsd: attempt.costUsd, totalMs: attempt.totalMs })),
    } : {}),
    ...(run !== undefined ? { run } : {}),
  });
  const document = runs.length > 1
    ? { results: runs.flatMap((run, index) => run.map((result) => shape(result, index + 1))), summary: summarise(runs), priceTable: { date: PRICE_TABLE_DATE, source: PRICE_TABLE_SOURCE } }
    : { results: (runs[0] ?? []).map((result) => shape(result)), priceTable: { date: PRICE_TABLE_DATE, source: PRICE_TABLE_SOURCE } };
  return JSON.stringify(document, null, 2);
}
