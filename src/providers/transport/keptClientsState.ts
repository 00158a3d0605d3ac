/**
 * The kept clients' state, held on the process (not in a module): the build makes keptClients.ts a chunk of its own,
 * loaded by the first adapter, while the CLI and the extension only need to close what was kept. This small file is
 * bundled into the hosts, so closing on exit or deactivate never loads the chunk (activation loads no provider chunk).
 */
export interface Kept {
  key: string;
  client: unknown;
  close: () => void;
}

export interface KeptState {
  kept: Map<string, Kept>;
  closers: Set<() => void>;
  lookupIds: WeakMap<object, number>;
  lookupCount: number;
}

const STATE = Symbol.for('fanout.keptClients');

export function keptState(): KeptState {
  return ((globalThis as Record<symbol, KeptState | undefined>)[STATE] ??= { kept: new Map(), closers: new Set(), lookupIds: new WeakMap(), lookupCount: 0 });
}

/** Closes every kept client and the connections they hold; nothing to do when no adapter ever ran. */
export function closeKeptClients(): void {
  const state = (globalThis as Record<symbol, KeptState | undefined>)[STATE];
  if (!state) return;
  for (const entry of state.kept.values()) {
    try {
      entry.close();
    } catch {
      // a client that cannot close has nothing left to keep open
    }
  }
  state.kept.clear();
  for (const close of state.closers) close();
}
