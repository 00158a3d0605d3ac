/** What a caller sets for one fan-out, the defaults, and the limits one deployment's run works to. */
import type { AdapterLoader, TransportOptions } from './adapter';
import type { Clock } from './clock';
import type { CredentialResolver } from '../security/credential';
import type { FanoutEvent } from './fanoutEvent';

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retrying off). */
  maxRetries: number;
  baseDelayMs: number;
  /** A longer retry-after than this is not waited for: the error is reported instead. */
  maxDelayMs: number;
}

export interface FanoutOptions {
  loadAdapter: AdapterLoader;
  credentials: CredentialResolver;
  signal?: AbortSignal;
  /** Bounds each deployment from request to last byte, retries included. */
  timeoutMs?: number;
  /** Bounds the wait for the response to start (headers or first event). */
  firstByteTimeoutMs?: number;
  /** Bounds the gap between two chunks once the response has started. */
  idleTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  transport?: TransportOptions;
  onEvent?: (event: FanoutEvent) => void;
  /** What every timing is read from and every timeout waits on. Unset: the real clock. */
  clock?: Clock;
}

export const DEFAULTS = {
  timeoutMs: 120_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  retry: { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 20_000 } satisfies RetryPolicy,
};

export interface RunLimits {
  timeoutMs: number;
  /** Never longer than `timeoutMs`. */
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  retry: RetryPolicy;
}

export function limitsFrom(options: FanoutOptions): RunLimits {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  return {
    timeoutMs,
    firstByteTimeoutMs: Math.min(options.firstByteTimeoutMs ?? DEFAULTS.firstByteTimeoutMs, timeoutMs),
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    retry: { ...DEFAULTS.retry, ...options.retry },
  };
}
