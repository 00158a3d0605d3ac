/** When a failed attempt is tried again, and after how long: the rule as a table. */
import * as assert from 'node:assert/strict';
import { backoffDelayMs, retryDelayMs, type FailedAttempt } from '../../src/core/engine/retryDelay';
import { DEFAULTS } from '../../src/core/engine/fanout';
import { providerError } from '../../src/core/request/stream';

const policy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 20_000 };
const rateLimit = (retryAfterMs?: number) => providerError('rate_limit', '429', retryAfterMs === undefined ? {} : { retryAfterMs });
const failed = (extra: Partial<FailedAttempt> = {}): FailedAttempt => ({ error: rateLimit(), attempt: 0, outputStarted: false, remainingMs: 100_000, aborted: false, ...extra });

describe('retry delay', () => {
  it('backs off base × 2^attempt with ±20 % jitter, capped at the longest delay', () => {
    const cases: Array<[attempt: number, random: number, delayMs: number]> = [
      [0, 0, 400], [0, 0.5, 500], [1, 0, 800], [1, 0.5, 1000], [2, 0, 1600], [6, 0.5, 20_000],
    ];
    assert.ok(Math.abs(backoffDelayMs(0, policy, () => 1) - 600) < 1e-9, 'at most +20 %');
    for (const [attempt, random, delayMs] of cases) assert.equal(backoffDelayMs(attempt, policy, () => random), delayMs, `attempt ${attempt}, random ${random}`);
    assert.deepEqual(DEFAULTS.retry, policy);
  });

  it('retries only what may be retried, before any text, within the bounds', () => {
    const half = () => 0.5;
    const cases: Array<[what: string, attempt: FailedAttempt, delayMs: number | null]> = [
      ['a retryable error, first attempt', failed(), 500],
      ['the service\'s retry-after wins over backoff', failed({ error: rateLimit(150) }), 150],
      ['a retry-after of exactly the longest delay', failed({ error: rateLimit(20_000) }), 20_000],
      ['a retry-after past the longest delay', failed({ error: rateLimit(20_001) }), null],
      ['a wait ending just before the deadline', failed({ error: rateLimit(150), remainingMs: 151 }), 150],
      ['a wait ending at the deadline', failed({ error: rateLimit(150), remainingMs: 150 }), null],
      ['output already shown', failed({ outputStarted: true }), null],
      ['retries used up', failed({ attempt: 2 }), null],
      ['the last retry', failed({ attempt: 1 }), 1000],
      ['cancelled', failed({ aborted: true }), null],
      ['not retryable', failed({ error: providerError('auth', 'bad key') }), null],
    ];
    for (const [what, attempt, delayMs] of cases) assert.equal(retryDelayMs(attempt, policy, half), delayMs, what);
    assert.equal(retryDelayMs(failed(), { ...policy, maxRetries: 0 }, half), null, 'retrying off');
  });
});
