/**
 * One SDK client per deployment and credential, kept across runs in a process (the CLI's --repeat, the editor's runs)
 * so its keep-alive connections are reused. It is replaced (and the old one closed) when the deployment's settings,
 * its credential or the transport settings change, and every kept client is closed when the CLI ends or the extension
 * deactivates (`closeKeptClients`). The key is a hash: the secret itself is never kept apart from the client.
 */
import { createHash } from 'node:crypto';
import type { ProviderCall } from '../../core/engine/adapter';

interface Kept {
  key: string;
  client: unknown;
  close: () => void;
}

interface KeptState {
  kept: Map<string, Kept>;
  closers: Set<() => void>;
  lookupIds: WeakMap<object, number>;
  lookupCount: number;
}

/**
 * Held on the process, not in this module: the build bundles this file into every adapter's chunk and into the CLI and
 * extension bundles, and they must all see (and close) the same clients.
 */
const STATE = Symbol.for('fanout.keptClients');
const state: KeptState = ((globalThis as Record<symbol, KeptState | undefined>)[STATE] ??= { kept: new Map(), closers: new Set(), lookupIds: new WeakMap(), lookupCount: 0 });
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
export function closeKeptClients(): void {
  for (const entry of kept.values()) {
    try {
      entry.close();
    } catch {
      // a client that cannot close has nothing left to keep open
    }
  }
  kept.clear();
  for (const close of closers) close();
}
