/** What every eval report is made from: the summary rows, the cases in plan order, and how the run ended. */
import type { EvaluationCase } from '../evaluationCase';
import { formatCost } from '../../results/format';
import type { SummaryRow } from '../summary';
import { PRICES_AS_OF } from '../../results/pricing';

export interface EvaluationReport {
  summary: SummaryRow[];
  cases: EvaluationCase[];
  /** What grading llm-rubric assertions cost (null when none ran). */
  graderCostUsd: number | null;
  /** Cases not run: --max-cost reached, or cancelled. */
  unsent: number;
  stopped: 'max-cost' | 'cancelled' | null;
}

/** The reasons of a case's failing assertions, or its error. */
export function whyFailed(evaluationCase: EvaluationCase): string[] {
  if (evaluationCase.error) return [`${evaluationCase.error.kind}: ${evaluationCase.error.message}`];
  if (evaluationCase.status !== 'ok') return [evaluationCase.status];
  return evaluationCase.assertions.filter((outcome) => !outcome.pass).map((outcome) => `${outcome.type}: ${outcome.reason}`);
}

export const percent = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`);

/** The closing lines every human-readable report carries. */
export function endNotes(report: EvaluationReport): string[] {
  const notes: string[] = [];
  for (const row of report.summary) {
    if (!row.batchCases) continue;
    notes.push(`Batch: ${row.deployment}'s ${row.batchCases} case${row.batchCases === 1 ? '' : 's'} ran through its cloud's batch service at the batch rate, ${formatCost(row.costUsd)}`
      + `${row.streamedCostUsd != null ? `; streamed, the same cases would have cost ${formatCost(row.streamedCostUsd)}` : ''} (no ttft or tokens/s in a batch).`);
  }
  if (report.graderCostUsd !== null) notes.push(`Grading (llm-rubric) cost $${report.graderCostUsd.toPrecision(3)}, not counted in the deployments' cost.`);
  if (report.stopped === 'max-cost') notes.push(`Stopped at --max-cost: ${report.unsent} case${report.unsent === 1 ? '' : 's'} not run (run again with --resume to finish).`);
  if (report.stopped === 'cancelled') notes.push(`Cancelled: ${report.unsent} case${report.unsent === 1 ? '' : 's'} not run (run again with --resume to finish).`);
  if (report.summary.some((row) => row.costUsd !== null)) notes.push(`${PRICES_AS_OF.replace(/^p/, 'P')}.`);
  return notes;
}
