/**
 * The per-deployment summary of DESIGN's eval report, built case by case as results arrive (only numbers are kept):
 * cases, passed, failed, errors, passRate (passed ÷ cases, null when every case errored), p50/p95 of ttft and total,
 * and the total cost of the answers (grading is counted apart); for cases answered by a batch service, how many and
 * what they would have cost streamed.
 */
import { roundMs } from '../engine/clock';
import { percentile } from '../results/stats';
import type { EvaluationCase } from './evaluationCase';

export interface SummaryRow {
  deployment: string;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  passRate: number | null;
  ttftP50: number | null;
  ttftP95: number | null;
  totalP50: number | null;
  totalP95: number | null;
  costUsd: number | null;
  /** Only when some cases went through the cloud's batch service: how many, and what all its cases would have cost streamed. */
  batchCases?: number;
  streamedCostUsd?: number | null;
}

interface Tally {
  cases: number;
  passed: number;
  errors: number;
  ttft: number[];
  total: number[];
  costUsd: number | null;
  batchCases: number;
  /** The cost of every case as if streamed (a batch case's streamed price, a streamed case's own). */
  streamedCostUsd: number | null;
}

export class SummaryBuilder {
  private readonly tallies = new Map<string, Tally>();
  graderCostUsd: number | null = null;

  /** `deployments` fixes the order of the rows. */
  constructor(deployments: readonly string[]) {
    for (const id of deployments) this.tallyOf(id);
  }

  add(evaluationCase: EvaluationCase): void {
    const tally = this.tallyOf(evaluationCase.deployment);
    tally.cases++;
    if (evaluationCase.status !== 'ok') tally.errors++;
    else if (evaluationCase.pass) tally.passed++;
    const { ttftMs, totalMs, costUsd, graderCostUsd } = evaluationCase.metrics;
    if (ttftMs !== null) tally.ttft.push(ttftMs);
    if (totalMs !== null) tally.total.push(totalMs);
    if (costUsd !== null) tally.costUsd = (tally.costUsd ?? 0) + costUsd;
    if (evaluationCase.metrics.batch) tally.batchCases++;
    const streamed = evaluationCase.metrics.batch ? evaluationCase.metrics.streamedCostUsd ?? null : costUsd;
    if (streamed !== null) tally.streamedCostUsd = (tally.streamedCostUsd ?? 0) + streamed;
    if (graderCostUsd !== null && graderCostUsd !== undefined) this.graderCostUsd = (this.graderCostUsd ?? 0) + graderCostUsd;
  }

  rows(): SummaryRow[] {
    const at = (values: number[], p: number): number | null => {
      const value = percentile(values, p);
      return value === null ? null : roundMs(value);
    };
    return [...this.tallies].map(([deployment, tally]) => ({
      deployment,
      cases: tally.cases,
      passed: tally.passed,
      failed: tally.cases - tally.passed - tally.errors,
      errors: tally.errors,
      passRate: tally.cases === 0 || tally.errors === tally.cases ? null : tally.passed / tally.cases,
      ttftP50: at(tally.ttft, 50),
      ttftP95: at(tally.ttft, 95),
      totalP50: at(tally.total, 50),
      totalP95: at(tally.total, 95),
      costUsd: tally.costUsd,
      ...(tally.batchCases ? { batchCases: tally.batchCases, streamedCostUsd: tally.streamedCostUsd } : {}),
    }));
  }

  private tallyOf(id: string): Tally {
    let tally = this.tallies.get(id);
    if (!tally) this.tallies.set(id, (tally = { cases: 0, passed: 0, errors: 0, ttft: [], total: [], costUsd: null, batchCases: 0, streamedCostUsd: null }));
    return tally;
  }
}
