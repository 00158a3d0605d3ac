/** `--format table` (the default): the summary as a terminal table, then the failing cases (the first 20). */
import { formatCost, formatMs } from '../../results/format';
import { endNotes, percent, whyFailed, type EvaluationReport } from './evaluationReport';

const MAX_LISTED = 20;
const pair = (p50: number | null, p95: number | null): string => (p50 === null ? '—' : `${formatMs(p50)} / ${formatMs(p95)}`);

export function formatEvaluationTable(report: EvaluationReport): string {
  const header = ['deployment', 'pass rate', 'passed', 'failed', 'errors', 'ttft p50 / p95', 'total p50 / p95', 'cost'];
  const rows = report.summary.map((row) => [row.deployment, percent(row.passRate), String(row.passed), String(row.failed), String(row.errors),
    pair(row.ttftP50, row.ttftP95), pair(row.totalP50, row.totalP95), formatCost(row.costUsd)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('  ').trimEnd();
  const lines = [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)];
  const failing = report.cases.filter((evaluationCase) => !evaluationCase.pass);
  if (failing.length) {
    lines.push('', `${failing.length} failing case${failing.length === 1 ? '' : 's'}:`);
    for (const evaluationCase of failing.slice(0, MAX_LISTED)) {
      const repeat = evaluationCase.repeat > 1 ? ` (repeat ${evaluationCase.repeat})` : '';
      lines.push(`✗ ${evaluationCase.test}${repeat} on ${evaluationCase.deployment}`, ...whyFailed(evaluationCase).map((reason) => `    ${reason}`));
    }
    if (failing.length > MAX_LISTED) lines.push(`… and ${failing.length - MAX_LISTED} more (see --format json or --output)`);
  }
  lines.push(...endNotes(report).map((note) => `\n${note}`));
  return `${lines.join('\n')}\n`;
}
