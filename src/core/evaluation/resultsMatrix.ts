/**
 * The editor's results view as data: one row per (test × prompt × repeat) of the plan, one cell per deployment —
 * pass, fail (the first failing assertion's reason), error (the error's kind and message) or missing (not run yet) —
 * and the per-deployment summary. Pure: built from the results file's lines, so a resumed run shows as one.
 */
import { caseKey, withoutKey, type CaseLine } from './evaluationCase';
import { SummaryBuilder, type SummaryRow } from './summary';
import type { EvaluationSuite } from './suite';

export type CellState = 'pass' | 'fail' | 'error' | 'missing';

export interface MatrixCell {
  key: string;
  deployment: string;
  state: CellState;
  /** Why, in a line: what held, the failing assertion's reason, or the error. */
  reason: string;
}

export interface MatrixRow {
  label: string;
  cells: MatrixCell[];
}

export interface ResultsMatrix {
  deployments: string[];
  rows: MatrixRow[];
  summary: SummaryRow[];
}

export function cellOf(line: CaseLine | undefined, key: string, deployment: string): MatrixCell {
  if (!line) return { key, deployment, state: 'missing', reason: 'not run yet' };
  if (line.status !== 'ok') return { key, deployment, state: 'error', reason: line.error ? `${line.error.kind}: ${line.error.message}` : line.status };
  const failed = line.assertions.find((outcome) => !outcome.pass);
  if (failed) return { key, deployment, state: 'fail', reason: `${failed.type}: ${failed.reason}` };
  const count = line.assertions.length;
  return { key, deployment, state: 'pass', reason: count ? `${count} assertion${count === 1 ? '' : 's'} held` : 'answered (no assertions)' };
}

export function buildMatrix(suite: Pick<EvaluationSuite, 'tests' | 'prompts'>, deployments: readonly string[], repeat: number, lines: readonly CaseLine[]): ResultsMatrix {
  const byKey = new Map(lines.map((line) => [line.key, line]));
  const summary = new SummaryBuilder(deployments);
  const rows: MatrixRow[] = [];
  for (let r = 1; r <= repeat; r++) {
    for (const [t, test] of suite.tests.entries()) {
      for (const [p, prompt] of suite.prompts.entries()) {
        const label = `${test.label}${suite.prompts.length > 1 ? ` · ${prompt.label}` : ''}${repeat > 1 ? ` · #${r}` : ''}`;
        const cells = deployments.map((deployment) => {
          const key = caseKey({ test: t, prompt: p, repeat: r, deployment });
          const line = byKey.get(key);
          if (line) summary.add(withoutKey(line));
          return cellOf(line, key, deployment);
        });
        rows.push({ label, cells });
      }
    }
  }
  return { deployments: [...deployments], rows, summary: summary.rows() };
}

/** The keys of the plan's cases that did not pass (failed or errored): what "Re-run failed" sends again. */
export function failedKeys(matrix: ResultsMatrix): string[] {
  return matrix.rows.flatMap((row) => row.cells.filter((cell) => cell.state === 'fail' || cell.state === 'error').map((cell) => cell.key));
}
