/**
 * Time is a dependency: the engine reads the time and waits through a Clock, so tests can drive it
 * and assert exact values. `realClock` is the default; tests hand in a virtual one.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only the difference between two readings means anything. */
  now(): number;
  /** Calls `callback` once, `ms` from now. The returned function cancels it (harmless after it ran). */
  schedule(ms: number, callback: () => void): () => void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** A duration as reports show it: to a tenth of a millisecond. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/** Resolves true after `ms` on `clock`, false at once if the signal aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const cancelTimer = clock.schedule(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
    const onAbort = (): void => {
      cancelTimer();
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
