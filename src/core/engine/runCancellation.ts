/**
 * Why one deployment's run stops early: the caller cancelled it, or its overall deadline passed.
 * Every attempt, wait and credential look-up of the run listens to `signal`.
 */
import { providerError, type ProviderError } from '../request/stream';
import type { Clock } from './clock';

export class RunCancellation {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private reason: 'cancelled' | 'timeout' | null = null;
  private cancelDeadline = (): void => {};
  private readonly onCallerAbort = (): void => this.stop('cancelled');

  constructor(private readonly callerSignal: AbortSignal | undefined, private readonly clock: Clock, private readonly timeoutMs: number) {
    if (callerSignal?.aborted) this.stop('cancelled');
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Starts the overall deadline: `timeoutMs` from now the run stops as timed out. */
  startDeadline(): void {
    this.cancelDeadline = this.clock.schedule(Math.max(0, this.timeoutMs), () => this.stop('timeout'));
  }

  /** The error a run stopped this way ends with. */
  error(): ProviderError {
    return this.reason === 'timeout'
      ? providerError('timeout', `No complete answer within ${this.timeoutMs / 1000} s. Raise the timeout, or ask for fewer tokens.`, { retryable: false })
      : providerError('cancelled', 'Cancelled.', { retryable: false });
  }

  /** Stops the deadline and stops listening to the caller's signal. */
  dispose(): void {
    this.cancelDeadline();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private stop(reason: 'cancelled' | 'timeout'): void {
    this.reason ??= reason;
    this.controller.abort();
  }
}
