/** The fetch an SDK should use for `target`: undefined (the SDK's own) unless a proxy, an extra CA or a lookup is set. */
import { isDirectDefault, type NetworkSettings } from '../../core/engine/network';

export async function transportFetch(network: NetworkSettings | undefined, target: string): Promise<typeof fetch | undefined> {
  if (isDirectDefault(network)) return undefined;
  const { fetchFor } = await import('./network');
  return fetchFor(network!, target);
}
