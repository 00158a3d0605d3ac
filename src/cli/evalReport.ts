/**
 * The whole eval result, as if run at once: every case of the plan (from the results file when there is one, resumed
 * and fetched batch cases included) in plan order, summarised per deployment and printed in the chosen format.
 * Shared by `fanout eval` (streamed or --batch) and `fanout batch fetch`. Returns whether every case passed.
 */
import type { Deployment } from '../core/config/deployment';
import { placeOf, withoutKey, type CaseLine } from '../core/evaluation/evaluationCase';
import type { EvaluationReport } from '../core/evaluation/reports/evaluationReport';
import { formatEvaluationJson } from '../core/evaluation/reports/jsonReport';
import { formatEvaluationJunit } from '../core/evaluation/reports/junitReport';
import { formatEvaluationMarkdown } from '../core/evaluation/reports/markdownReport';
import { formatEvaluationTable } from '../core/evaluation/reports/tableReport';
import { readResults } from '../core/evaluation/resultsFile';
import { SummaryBuilder } from '../core/evaluation/summary';
import type { EvaluationSuite } from '../core/evaluation/suite';
import type { EvalFormat } from './evalArgs';

const FORMATS: Record<EvalFormat, (report: EvaluationReport) => string> = {
  table: formatEvaluationTable,
  json: formatEvaluationJson,
  junit: formatEvaluationJunit,
  markdown: formatEvaluationMarkdown,
};

export interface ReportInput {
  suite: EvaluationSuite;
  deployments: readonly Deployment[];
  format: EvalFormat;
  /** The results file, or the cases held in memory when there is none. */
  file: string | null;
  held: readonly CaseLine[];
  unsent: number;
  stopped: EvaluationReport['stopped'];
}

/** Prints the report on stdout; true when every case is in and passed. */
export async function printReport(input: ReportInput, stdout: (text: string) => void): Promise<boolean> {
  const lines = input.file ? await planCases(input.file, input.suite, input.deployments) : input.held;
  const order = new Map(input.deployments.map((deployment, index) => [deployment.id, index]));
  const rank = (line: CaseLine): number[] => {
    const place = placeOf(line.key)!;
    return [place.test, place.prompt, place.repeat, order.get(place.deployment) ?? 0];
  };
  const ranked = lines.map((line) => ({ line, rank: rank(line) }));
  ranked.sort((a, b) => a.rank.reduce((order, value, i) => order || value - b.rank[i]!, 0));
  const cases = ranked.map(({ line }) => withoutKey(line));
  const summary = new SummaryBuilder(input.deployments.map((deployment) => deployment.id));
  for (const evaluationCase of cases) summary.add(evaluationCase);
  const report: EvaluationReport = { summary: summary.rows(), cases, graderCostUsd: summary.graderCostUsd, unsent: input.unsent, stopped: input.stopped };
  const output = FORMATS[input.format](report);
  stdout(output.endsWith('\n') ? output : `${output}\n`);
  return input.unsent === 0 && cases.every((evaluationCase) => evaluationCase.pass);
}

/** Every case of this plan in the results file. */
async function planCases(file: string, suite: EvaluationSuite, deployments: readonly Deployment[]): Promise<CaseLine[]> {
  const ids = new Set(deployments.map((deployment) => deployment.id));
  const { lines } = await readResults(file);
  return lines.filter((line) => {
    const place = placeOf(line.key)!;
    return ids.has(place.deployment) && place.test < suite.tests.length && place.prompt < suite.prompts.length;
  });
}
