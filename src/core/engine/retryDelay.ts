/** Whether a failed attempt is tried again, and after how long. Pure: the jitter comes in as `random`. */
import type { ProviderError } from '../request/stream';
import type { RetryPolicy } from './fanoutOptions';

export interface FailedAttempt {
  error: ProviderError;
  /** 0 for the first attempt. */
  attempt: number;
  /** Whether output (text or a tool call) was shown: once there is any, nothing is retried. */
  outputStarted: boolean;
  /** Time left before the run's overall deadline. */
  remainingMs: number;
  aborted: boolean;
}

/** Exponential backoff with ±20 % jitter, capped at the policy's longest delay. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt * (0.8 + random() * 0.4));
}

/**
 * The delay before the next attempt (the service's retry-after when it gave one), or null when the
 * error is to be reported instead: not retryable, output already shown, retries used up, cancelled,
 * a retry-after past the policy's bound, or a wait that would not end before the deadline.
 */
export function retryDelayMs(failed: FailedAttempt, policy: RetryPolicy, random: () => number = Math.random): number | null {
  const delayMs = failed.error.retryAfterMs ?? backoffDelayMs(failed.attempt, policy, random);
  const mayRetry = failed.error.retryable && !failed.outputStarted && failed.attempt < policy.maxRetries && !failed.aborted
    && delayMs <= policy.maxDelayMs && delayMs < failed.remainingMs;
  return mayRetry ? delayMs : null;
}
