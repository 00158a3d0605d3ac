/**
 * The playground's exports: the comparison report (core/results/report.ts) with the conversation beside it: the
 * tools, tool choice and schema asked, and each column's thread with its tool calls and their results.
 */
import type { DeploymentResult } from '../../core/engine/fanout';
import { partsOf, type ChatMessage } from '../../core/request/chatRequest';
import { formatJson, formatMarkdown } from '../../core/results/report';
import type { ConversationSetup } from './conversation';

export interface ExportedRun {
  prompt: string;
  results: readonly DeploymentResult[];
  setup: ConversationSetup;
  threads: Record<string, ChatMessage[]>;
}

const fence = (text: string, language = ''): string => {
  const ticks = '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)));
  return `${ticks}${language}\n${text}\n${ticks}`;
};

function markdownTurn(message: ChatMessage): string[] {
  const lines: string[] = [];
  for (const part of partsOf(message)) {
    if (part.type === 'text' && part.text.trim()) lines.push(`**${message.role === 'user' ? 'User' : 'Assistant'}:**`, '', part.text.trimEnd(), '');
    else if (part.type === 'tool-call') lines.push(`**Tool call** \`${part.name}\` (id \`${part.id}\`):`, '', fence(JSON.stringify(part.arguments, null, 2), 'json'), '');
    else if (part.type === 'tool-result') lines.push(`**Tool result** for \`${part.name}\` (id \`${part.toolCallId}\`)${part.isError ? ', an error' : ''}:`, '', fence(part.content), '');
  }
  return lines;
}

export function exportMarkdown(run: ExportedRun): string {
  const out = [formatMarkdown([run.results], run.prompt).trimEnd(), ''];
  const { tools, toolChoice, responseFormat } = run.setup;
  if (tools?.length) out.push('## Tools', '', `Tool choice: ${typeof toolChoice === 'object' ? toolChoice.name : (toolChoice ?? 'auto')}`, '', fence(JSON.stringify(tools, null, 2), 'json'), '');
  if (typeof responseFormat === 'object') out.push('## Schema', '', `\`${responseFormat.name}\`${responseFormat.strict === false ? '' : ' (strict)'}`, '', fence(JSON.stringify(responseFormat.schema, null, 2), 'json'), '');
  else if (responseFormat === 'json') out.push('## Format', '', 'Any JSON.', '');
  for (const result of run.results) {
    const checks = [
      ...result.toolCalls.filter((call) => call.error).map((call) => `- malformed call to \`${call.name}\`: ${call.error} — raw: \`${(call.rawArguments ?? '').slice(0, 500)}\``),
      ...(result.schemaValid === false ? [`- the answer does not follow the schema: ${result.schemaErrors[0] ?? ''}`] : []),
      ...result.warnings.map((warning) => `- warning: ${warning}`),
    ];
    const thread = run.threads[result.deployment] ?? [];
    if (thread.length <= 2 && result.toolCalls.length === 0 && checks.length === 0) continue;
    out.push(`## Conversation: ${result.deployment}`, '', ...thread.flatMap(markdownTurn), ...checks, ...(checks.length ? [''] : []));
  }
  return out.join('\n');
}

export function exportJson(run: ExportedRun): string {
  const report = JSON.parse(formatJson([run.results])) as { results: Array<Record<string, unknown>> };
  const byId = new Map(run.results.map((result) => [result.deployment, result]));
  report.results = report.results.map((shaped) => {
    const result = byId.get(String(shaped.deployment));
    // the report's own fields win where it has them
    return result ? { toolCalls: result.toolCalls, json: result.json, schemaValid: result.schemaValid, schemaErrors: result.schemaErrors, structuredOutput: result.structuredOutput, warnings: result.warnings, ...shaped } : shaped;
  });
  const { system, tools, toolChoice, responseFormat } = run.setup;
  return JSON.stringify({ ...report, conversation: { system: system ?? null, tools: tools ?? [], toolChoice: toolChoice ?? null, responseFormat: responseFormat ?? 'text', threads: withoutImageBytes(run.threads) } }, null, 2);
}

/** The threads with each image named by its type and file, not its bytes (they stay in Fanout's image store). */
function withoutImageBytes(threads: Record<string, ChatMessage[]>): Record<string, ChatMessage[]> {
  return Object.fromEntries(Object.entries(threads).map(([id, messages]) => [id, messages.map((message) => (typeof message.content === 'string' ? message : {
    ...message, content: message.content.map((part) => (part.type === 'image' ? { type: 'image' as const, mediaType: part.mediaType, ...(part.file ? { file: part.file } : {}) } : part)),
  }))]));
}
