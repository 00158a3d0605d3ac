/**
 * The fallback drill ("Fanout: Test Fallbacks"): for a chain A → B → C it makes A fail, then A and B, then all of
 * them, each on purpose and without sending anything to the failing ones (a synthetic outage stands in for their
 * answer), and reports which deployment would answer. The others are really called, with a tiny prompt.
 */
import type { Deployment } from '../config/deployment';
import { providerError, type ChatRequest } from '../request/stream';
import type { DeploymentResult } from './deploymentResult';
import { runWithFallbacks, type FallbackOptions } from './fallback';

export const DRILL_REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'Reply with the single word OK.' }], params: { maxTokens: 16 } };

export interface DrillScenario {
  /** The deployments made to fail, in chain order. */
  failing: string[];
  /** Who answered, null when nothing in the chain did. */
  answeredBy: string | null;
  result: DeploymentResult;
}

export const drillFailure = (deployment: Deployment) =>
  providerError('server', `Drill: a synthetic outage of "${deployment.id}" (no request was sent to it).`, { status: 503, retryable: false });

/** One scenario per deployment of the chain: the first 1, 2, … n fail in turn. */
export async function drillFallbacks(chain: readonly Deployment[], options: FallbackOptions, request: ChatRequest = DRILL_REQUEST): Promise<DrillScenario[]> {
  const scenarios: DrillScenario[] = [];
  for (let count = 1; count <= chain.length && !options.signal?.aborted; count++) {
    const failing = new Set(chain.slice(0, count).map((deployment) => deployment.id));
    const result = await runWithFallbacks(request, chain, { ...options, injectFailure: (deployment) => (failing.has(deployment.id) ? drillFailure(deployment) : null) });
    scenarios.push({ failing: [...failing], answeredBy: result.answeredBy ?? null, result });
  }
  return scenarios;
}

/** One line per scenario: "A fails → B answers (312 ms)", "A, B, C fail → nothing answers: the user sees …". */
export function describeScenario(scenario: DrillScenario): string {
  const failing = `${scenario.failing.join(', ')} fail${scenario.failing.length === 1 ? 's' : ''}`;
  if (scenario.answeredBy) {
    const ms = scenario.result.metrics.totalMs;
    return `${failing} → ${scenario.answeredBy} answers${ms !== null ? ` (${Math.round(ms)} ms)` : ''}`;
  }
  const error = scenario.result.error;
  return `${failing} → nothing answers: ${error ? `${error.kind} — ${error.message}` : scenario.result.status}`;
}
