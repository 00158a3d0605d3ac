/** Waits for an adapter's next part within a bound, on the run's clock. */
import { providerError, type StreamPart } from '../request/stream';
import type { Clock } from './clock';

export type NextPart = { kind: 'part'; part: StreamPart } | { kind: 'done' } | { kind: 'idle' } | { kind: 'aborted' };

/** The next part, or why there is none: the stream ended, went idle past `limitMs`, or was aborted. */
export function nextPartWithin(iterator: AsyncIterator<StreamPart>, limitMs: number, signal: AbortSignal, clock: Clock): Promise<NextPart> {
  if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise<NextPart>((resolve) => {
    const cancelTimer = clock.schedule(limitMs, () => settle({ kind: 'idle' }));
    const onAbort = (): void => settle({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    function settle(next: NextPart): void {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
      resolve(next);
    }
    iterator.next().then(
      (next) => settle(next.done ? { kind: 'done' } : { kind: 'part', part: next.value }),
      (cause: unknown) => settle({ kind: 'part', part: { type: 'error', error: providerError('unknown', `The provider adapter failed: ${(cause as Error)?.message ?? String(cause)}`) } }),
    );
  });
}
