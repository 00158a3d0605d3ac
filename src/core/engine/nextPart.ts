/**
 * Waits for an adapter's next part within a bound, on the run's clock.
 *
 * Per part this does as little as it can: the abort listener is added once for the attempt, and the bound is one timer
 * re-armed lazily (when it fires before the current deadline it is set again for the rest), not a timer and a listener
 * made and removed for every chunk. Under load (64 streams, a busy machine) that per-chunk work is what a raw SDK call
 * does not pay.
 */
import { providerError, type StreamPart } from '../request/stream';
import type { Clock } from './clock';

export type NextPart = { kind: 'part'; part: StreamPart } | { kind: 'done' } | { kind: 'idle' } | { kind: 'aborted' };

export class PartWaiter {
  private pending: ((next: NextPart) => void) | null = null;
  /** Which wait a part answers: a part that comes after its wait ended (idle, aborted) is not given to the next one. */
  private wait = 0;
  private deadline = Infinity;
  private timerAt = Infinity;
  private cancelTimer: (() => void) | null = null;
  private readonly onAbort = (): void => this.settle({ kind: 'aborted' });

  constructor(private readonly iterator: AsyncIterator<StreamPart>, private readonly signal: AbortSignal, private readonly clock: Clock) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The next part, or why there is none: the stream ended, went idle past `limitMs`, or was aborted. */
  next(limitMs: number): Promise<NextPart> {
    if (this.signal.aborted) return Promise.resolve({ kind: 'aborted' });
    const wait = ++this.wait;
    this.deadline = this.clock.now() + limitMs;
    if (this.cancelTimer === null || this.timerAt > this.deadline) this.arm(this.deadline);
    return new Promise<NextPart>((resolve) => {
      this.pending = resolve;
      this.iterator.next().then(
        (next) => wait === this.wait && this.settle(next.done ? { kind: 'done' } : { kind: 'part', part: next.value }),
        (cause: unknown) => wait === this.wait && this.settle({ kind: 'part', part: { type: 'error', error: providerError('unknown', `The provider adapter failed: ${(cause as Error)?.message ?? String(cause)}`) } }),
      );
    });
  }

  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.signal.removeEventListener('abort', this.onAbort);
  }

  private arm(at: number): void {
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.clock.schedule(Math.max(0, at - this.clock.now()), () => this.fire());
  }

  private fire(): void {
    this.cancelTimer = null;
    this.timerAt = Infinity;
    if (!this.pending) return; // between parts: the next wait arms it again
    if (this.clock.now() >= this.deadline) this.settle({ kind: 'idle' });
    else this.arm(this.deadline);
  }

  private settle(next: NextPart): void {
    const resolve = this.pending;
    if (!resolve) return;
    this.pending = null;
    this.wait++;
    resolve(next);
  }
}
