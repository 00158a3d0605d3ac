/**
 * `--format markdown`: fit for a CI job summary (append it to $GITHUB_STEP_SUMMARY): a verdict line, the summary
 * table, and the failing cases in a collapsed section (the first 50, each with its failing reasons).
 */
import { formatCost, formatMs } from '../../results/format';
import type { EvaluationCase } from '../evaluationCase';
import { endNotes, percent, whyFailed, type EvaluationReport } from './evaluationReport';

const MAX_LISTED = 50;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const pair = (p50: number | null, p95: number | null): string => (p50 === null ? '—' : `${formatMs(p50)} / ${formatMs(p95)}`);

function failingLine(evaluationCase: EvaluationCase): string {
  const repeat = evaluationCase.repeat > 1 ? ` (repeat ${evaluationCase.repeat})` : '';
  const reasons = whyFailed(evaluationCase).map((reason) => cell(reason.length > 300 ? `${reason.slice(0, 299)}…` : reason));
  return `- **${cell(evaluationCase.test)}**${repeat} on \`${evaluationCase.deployment}\`: ${reasons.join('; ')}`;
}

export function formatEvaluationMarkdown(report: EvaluationReport): string {
  const failing = report.cases.filter((evaluationCase) => !evaluationCase.pass);
  const total = report.cases.length;
  const verdict = failing.length === 0 && !report.stopped ? `✅ all ${total} cases passed` : `❌ ${failing.length} of ${total} cases failed or errored`;
  const lines = [
    '## Fanout evaluation',
    '',
    verdict,
    '',
    '| deployment | pass rate | passed | failed | errors | ttft p50 / p95 | total p50 / p95 | cost |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.summary.map((row) => `| ${cell(row.deployment)} | ${percent(row.passRate)} | ${row.passed} | ${row.failed} | ${row.errors} | ${pair(row.ttftP50, row.ttftP95)} | ${pair(row.totalP50, row.totalP95)} | ${formatCost(row.costUsd)} |`),
  ];
  if (failing.length) {
    lines.push('', `<details><summary>${failing.length} failing case${failing.length === 1 ? '' : 's'}</summary>`, '');
    lines.push(...failing.slice(0, MAX_LISTED).map(failingLine));
    if (failing.length > MAX_LISTED) lines.push(`- … and ${failing.length - MAX_LISTED} more (see --format json or --output)`);
    lines.push('', '</details>');
  }
  const notes = endNotes(report);
  if (notes.length) lines.push('', ...notes.map((note) => `> ${note}`));
  return `${lines.join('\n').replace(/\u00a0/g, ' ')}\n`;
}
