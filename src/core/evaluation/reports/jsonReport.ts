/** `--format json`: exactly one document, `{"summary": [...], "cases": [...]}` (shared/DESIGN.md "Evaluation"). */
import type { EvaluationReport } from './evaluationReport';

export function formatEvaluationJson(report: EvaluationReport): string {
  return JSON.stringify({ summary: report.summary, cases: report.cases }, null, 2);
}
