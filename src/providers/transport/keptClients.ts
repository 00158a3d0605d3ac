/**
 * One SDK client per deployment and credential, kept across runs in a process (the CLI's --repeat, the editor's runs)
 * so its keep-alive connections are reused. It is replaced (and the old one closed) when the deployment's settings,
 * its credential or the transport settings change, and every kept client is closed when the CLI ends or the extension
 * deactivates (`closeKeptClients`). The key is a hash: the secret itself is never kept apart from the client.
 */
import { createHash } from 'node:crypto';
import type { ProviderCall } from '../../core/engine/adapter';

import { keptState } from './keptClientsState';

const state = keptState();
const { kept, closers, lookupIds } = state;

function keyOf(call: Pick<ProviderCall, 'deployment' | 'credential' | 'transport'>, extra: unknown): string {
  const lookup = call.transport.network?.lookup;
  if (lookup && !lookupIds.has(lookup)) lookupIds.set(lookup, ++state.lookupCount);
  const parts = [call.deployment, call.credential, call.transport, lookup ? lookupIds.get(lookup) : null, extra];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The kept client for this call's deployment, credential and transport: made (and the stale one closed) when they changed. */
export function keptClient<T>(call: Pick<ProviderCall, 'deployment' | 'credential' | 'transport'>, make: () => T, close: (client: T) => void = () => {}, extra: unknown = null): T {
  const key = keyOf(call, extra);
  const slot = `${call.deployment.provider}\u0000${call.deployment.id}`;
  const found = kept.get(slot);
  if (found?.key === key) return found.client as T;
  found?.close();
  const client = make();
  kept.set(slot, { key, client, close: () => close(client) });
  return client;
}

/** Something else that holds connections open for the kept clients (a proxy's or an extra CA's dispatcher). */
export function onCloseKeptClients(close: () => void): void {
  closers.add(close);
}

/** Closes every kept client and the connections they hold (the CLI at its end, the extension on deactivate, tests). */
export { closeKeptClients } from './keptClientsState';
