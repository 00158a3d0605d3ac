/**
 * One request → N deployments at once. Every deployment starts in the same tick, has its own
 * AbortSignal, a first-byte timeout, an idle timeout between chunks and an overall deadline.
 * Retries happen only before the first token, are bounded, honour retry-after and are reported.
 * One deployment's run is `runDeployment`; this file shares the adapters between them, all loaded before any is sent.
 */
import type { ProviderAdapter } from './adapter';
import type { Deployment, ProviderKind } from '../config/deployment';
import type { ChatRequest } from '../request/stream';
import type { DeploymentResult } from './deploymentResult';
import type { FanoutOptions } from './fanoutOptions';
import { runDeployment } from './runDeployment';

export type { Clock } from './clock';
export type { DeploymentResult, Metrics, RunStatus } from './deploymentResult';
export type { ToolCallResult } from './runRecord';
export type { FanoutEvent } from './fanoutEvent';
export type { FanoutOptions, RetryPolicy } from './fanoutOptions';
export { DEFAULTS } from './fanoutOptions';
export { PLAIN_ANSWER } from './deploymentResult';

export async function runFanout(request: ChatRequest, deployments: readonly Deployment[], options: FanoutOptions): Promise<DeploymentResult[]> {
  const adapters = new Map<ProviderKind, Promise<ProviderAdapter>>();
  const adapterFor = (kind: ProviderKind): Promise<ProviderAdapter> => {
    let loading = adapters.get(kind);
    if (!loading) {
      loading = options.loadAdapter(kind);
      adapters.set(kind, loading);
    }
    return loading;
  };
  // every kind's adapter (and its SDK) loads before any deployment's clock starts: loading a large SDK blocks the event
  // loop for tens of milliseconds, and a stream already sent would read that wait as the cloud's time to first token
  const kinds = [...new Set(deployments.map((deployment) => deployment.provider))];
  const allLoaded = Promise.allSettled(kinds.map(adapterFor));
  const loadedFor = async (kind: ProviderKind): Promise<ProviderAdapter> => {
    await allLoaded;
    return adapterFor(kind);
  };
  return Promise.all(deployments.map((deployment) => runDeployment(request, deployment, options, loadedFor)));
}
