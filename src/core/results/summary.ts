/** What a comparison found: per-deployment spread over repeated runs, and who was fastest and cheapest. */
import type { DeploymentResult } from '../engine/fanout';
import { spread, type Spread } from './stats';

export interface DeploymentSummary {
  deployment: string;
  runs: number;
  ok: number;
  /** Runs the user stopped: neither answered nor failed. */
  stopped: number;
  ttftMs: Spread;
  totalMs: Spread;
  tokensPerSecond: Spread;
  /** Mean cost of the successful runs; null when any had no price. */
  costUsd: number | null;
}

export function summarise(runs: ReadonlyArray<readonly DeploymentResult[]>): DeploymentSummary[] {
  const byDeployment = new Map<string, DeploymentResult[]>();
  for (const run of runs) for (const result of run) byDeployment.set(result.deployment, [...(byDeployment.get(result.deployment) ?? []), result]);
  return [...byDeployment.entries()].map(([deployment, results]) => {
    const ok = results.filter((result) => result.status === 'ok');
    const costs = ok.map((result) => result.metrics.costUsd);
    return {
      deployment,
      runs: results.length,
      ok: ok.length,
      stopped: results.filter((result) => result.status === 'cancelled').length,
      ttftMs: spread(ok.map((result) => result.metrics.ttftMs)),
      totalMs: spread(ok.map((result) => result.metrics.totalMs)),
      tokensPerSecond: spread(ok.map((result) => result.metrics.tokensPerSecond)),
      costUsd: costs.length && costs.every((cost) => cost !== null) ? (costs as number[]).reduce((a, b) => a + b, 0) / costs.length : null,
    };
  });
}

export interface Badges {
  fastestFirstToken: string | null;
  fastestTotal: string | null;
  cheapest: string | null;
}

/** The winners among successful results; none when fewer than two finished. */
export function badges(results: readonly DeploymentResult[]): Badges {
  const ok = results.filter((result) => result.status === 'ok');
  const best = (value: (result: DeploymentResult) => number | null): string | null => {
    const candidates = ok.filter((result) => value(result) !== null);
    if (candidates.length < 2) return null;
    return candidates.reduce((a, b) => (value(b)! < value(a)! ? b : a)).deployment;
  };
  return {
    fastestFirstToken: best((result) => result.metrics.ttftMs),
    fastestTotal: best((result) => result.metrics.totalMs),
    cheapest: best((result) => result.metrics.costUsd),
  };
}
