/**
 * Fallback chains (DESIGN "Numbers a person can trust"): a single-deployment action runs its deployment and, on an
 * outage (5xx, network), a rate limit, a quota wall or a timeout, tries the deployment's `fallbacks` in order. Never
 * once any output has arrived (the user has seen it), and never on a bad key, a bad request, a content filter or a
 * context too long: those the user must see and fix. The result keeps the requested `deployment` and adds
 * `answeredBy` and every attempt with its error, cost and time.
 */
import type { Deployment } from '../config/deployment';
import type { ChatRequest, ProviderError, ProviderErrorKind } from '../request/stream';
import { toResult, type DeploymentResult, type FallbackAttempt } from './deploymentResult';
import { runFanout } from './fanout';
import type { FanoutOptions } from './fanoutOptions';
import { loadPrices } from '../results/pricing';
import { emptyRunRecord } from './runRecord';

/** The failures a fallback answers: the deployment could not serve now, through no fault of the request or the key. */
export const FALLBACK_TRIGGERS: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>(['server', 'network', 'timeout', 'rate_limit', 'quota']);

export interface FallbackEvent {
  /** The deployment the action asked for. */
  deployment: string;
  from: string;
  to: string;
  error: ProviderError;
}

export interface FallbackOptions extends FanoutOptions {
  /** The drill: the failure to report for a deployment instead of calling it (nothing is sent to it), or null to call it. */
  injectFailure?: (deployment: Deployment) => ProviderError | null;
  /** Said each time the chain moves on, before the next deployment is called. */
  onFallback?: (event: FallbackEvent) => void;
}

/** Whether a failed result lets the chain go on: a trigger kind, and nothing shown yet. */
export function fallsBack(result: DeploymentResult): boolean {
  if (!result.error || !FALLBACK_TRIGGERS.has(result.error.kind)) return false;
  return result.text === '' && result.toolCalls.length === 0 && result.reasoning === null;
}

/** The deployment followed by its fallbacks, in order (one level: a fallback's own fallbacks are not followed). */
export function fallbackChain(deployment: Deployment, all: readonly Deployment[]): Deployment[] {
  const chain = [deployment];
  for (const id of deployment.fallbacks ?? []) {
    const next = all.find((candidate) => candidate.id === id);
    if (next && !chain.includes(next)) chain.push(next);
  }
  return chain;
}

/** Runs `chain[0]`, then each next deployment while the last one failed in a way a fallback answers. */
export async function runWithFallbacks(request: ChatRequest, chain: readonly Deployment[], options: FallbackOptions): Promise<DeploymentResult> {
  const requested = chain[0];
  if (!requested) throw new Error('runWithFallbacks: the chain is empty');
  const attempts: FallbackAttempt[] = [];
  let last: DeploymentResult | undefined;
  for (const [index, deployment] of chain.entries()) {
    const injected = options.injectFailure?.(deployment) ?? null;
    const result = injected ? await failedWithout(deployment, injected) : (await runFanout(request, [deployment], options))[0]!;
    attempts.push({ deployment: deployment.id, error: result.error, costUsd: result.metrics.costUsd, totalMs: result.metrics.totalMs });
    last = result;
    const next = chain[index + 1];
    if (!next || !fallsBack(result) || options.signal?.aborted) break;
    options.onFallback?.({ deployment: requested.id, from: deployment.id, to: next.id, error: result.error! });
  }
  return { ...last!, deployment: requested.id, answeredBy: last!.status === 'ok' ? last!.deployment : null, attempts };
}

/** The result of a deployment that was not called: the drill's synthetic failure. */
async function failedWithout(deployment: Deployment, error: ProviderError): Promise<DeploymentResult> {
  await loadPrices();
  return toResult(deployment, { ...emptyRunRecord(), error });
}
