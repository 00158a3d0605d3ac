/**
 * The fan-out engine's timing logic on a virtual clock, with scripted adapters: every timing, timeout,
 * retry wait and cancel is asserted to the exact millisecond. The wire is tested in fanout.test.ts.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { sleep } from '../../src/core/engine/clock';
import { runFanout, type DeploymentResult, type FanoutEvent, type FanoutOptions } from '../../src/core/engine/fanout';
import { providerError } from '../../src/core/request/stream';
import { PROMPT, testCredentials } from '../support/fixtures';
import { ScriptedAdapter, answer, failure, finish, rateLimited, text, usage, type Step } from '../support/scriptedAdapter';
import { VirtualClock } from '../support/virtualClock';

const deployment = (id: string): Deployment => ({ id, provider: 'openai', model: 'gpt-4o-mini' });
const serverError = failure(providerError('server', 'The service failed (500).', { status: 500 }));

/** Runs one fan-out over `scripts` (per deployment id, one script per attempt) on a virtual clock. */
async function play(scripts: Record<string, Step[][]>, extra: Partial<FanoutOptions> = {}, clock = new VirtualClock()) {
  const adapter = new ScriptedAdapter(clock, scripts);
  const events: FanoutEvent[] = [];
  const results = await clock.run(runFanout(PROMPT, Object.keys(scripts).map(deployment), {
    loadAdapter: async () => adapter, credentials: testCredentials(), onEvent: (event) => events.push(event), clock, ...extra,
  }));
  const byId: Record<string, DeploymentResult> = Object.fromEntries(results.map((result) => [result.deployment, result]));
  const retries = events.flatMap((event) => (event.type === 'retry' ? [event] : []));
  assert.equal(clock.pending, 0, 'a finished fan-out leaves no timer behind (deadline, idle, retry wait)');
  return { results, byId, calls: adapter.calls, events, retries, endedAt: clock.now() };
}

describe('fan-out engine timing (virtual clock)', () => {
  it('starts every deployment at once: the run lasts as long as the slowest, not the sum', async () => {
    const { results, calls, endedAt } = await play({
      a: [answer({ firstTokenMs: 300, tokens: ['1', '2', '3', '4', '5', '6'], gapMs: 20 })],
      b: [answer({ firstTokenMs: 100, tokens: ['1', '2', '3', '4', '5', '6'], gapMs: 30 })],
      c: [answer({ firstTokenMs: 220, tokens: ['1', '2'], gapMs: 100 })],
      d: [answer({ firstTokenMs: 50 })],
    });
    assert.deepEqual(results.map((result) => result.status), ['ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(calls.map((call) => call.sentAt), [0, 0, 0, 0]);
    assert.deepEqual(results.map((result) => result.metrics.totalMs), [400, 250, 320, 50]);
    assert.equal(endedAt, 400);
  });

  it('one failing and one stalling deployment neither delay nor break the others', async () => {
    const options = { idleTimeoutMs: 500, retry: { maxRetries: 0 } };
    const fast = [answer({ firstTokenMs: 50, tokens: ['a', 'b', 'c', 'd'], gapMs: 10 })];
    const slow = [answer({ firstTokenMs: 70, tokens: ['a', 'b', 'c', 'd', 'e'], gapMs: 10 })];
    const alone = await play({ fast, slow }, options);
    const { byId, calls } = await play({
      failing: [[serverError]],
      stalling: [[{ type: 'response-metadata' }, text('Fan'), { wait: 10 }, text('out'), { stall: true }]],
      fast,
      slow,
    }, options);
    assert.equal(byId.failing?.status, 'error');
    assert.equal(byId.failing?.error?.kind, 'server');
    assert.equal(byId.failing?.metrics.totalMs, 0);
    assert.equal(byId.stalling?.status, 'timeout');
    assert.equal(byId.stalling?.text, 'Fanout');
    assert.match(byId.stalling?.error?.message ?? '', /stalled: no data for 0.5 s/);
    assert.equal(byId.stalling?.metrics.totalMs, 510, 'one idle bound after its last chunk');
    assert.equal(calls.find((call) => call.deployment === 'stalling')?.abortedAt, 510);
    for (const id of ['fast', 'slow']) {
      assert.equal(byId[id]?.status, 'ok', id);
      assert.deepEqual(byId[id]?.metrics, alone.byId[id]?.metrics, `${id} took as long as it does alone`);
    }
    assert.deepEqual([byId.fast?.metrics.totalMs, byId.slow?.metrics.totalMs], [80, 110]);
  });

  it('cancel stops every deployment at the moment it is asked: streaming, waiting for the first byte, or waiting to retry', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    clock.schedule(250, () => controller.abort());
    const { results, calls, retries } = await play({
      streaming: [answer({ firstTokenMs: 100, tokens: Array(50).fill('x'), gapMs: 100 })],
      silent: [[{ stall: true }]],
      backingOff: [[rateLimited(1000)], answer()],
    }, { signal: controller.signal, retry: { maxDelayMs: 5000 } }, clock);
    assert.deepEqual(results.map((result) => result.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.deepEqual(results.map((result) => result.error?.message), ['Cancelled.', 'Cancelled.', 'Cancelled.']);
    assert.deepEqual(results.map((result) => result.metrics.totalMs), [250, 250, 250]);
    assert.equal(results[0]?.text, 'xx', 'the text up to the cancel is kept');
    assert.deepEqual(calls.map((call) => [call.deployment, call.abortedAt]), [['streaming', 250], ['silent', 250], ['backingOff', 0]]);
    assert.equal(retries.length, 1, 'the retry was announced, then cancelled while waiting: no second attempt');
  });

  it('a stream that stalls after text ends exactly one idle timeout after its last chunk, and is not retried', async () => {
    const { byId, calls } = await play({ a: [[...answer({ tokens: ['Fan', 'out', ' streams'], gapMs: 20 }).slice(0, 7), { stall: true }]] }, { idleTimeoutMs: 300 });
    const result = byId.a!;
    assert.equal(result.status, 'timeout');
    assert.equal(result.text, 'Fanout streams');
    assert.match(result.error?.message ?? '', /stalled: no data for 0.3 s/);
    assert.equal(result.error?.retryable, false);
    assert.equal(result.metrics.totalMs, 340);
    assert.equal(result.retries, 0);
    assert.deepEqual(calls.map((call) => call.abortedAt), [340]);
  });

  it('the idle bound restarts with every chunk: gaps just under it pass, a gap just over it fires at exactly the bound', async () => {
    const tokens = ['a', 'b', 'c', 'd'];
    const under = await play({ a: [answer({ tokens, gapMs: 299 })] }, { idleTimeoutMs: 300 });
    assert.equal(under.byId.a?.status, 'ok');
    assert.equal(under.byId.a?.metrics.totalMs, 897);
    const over = await play({ a: [answer({ tokens, gapMs: 301 })] }, { idleTimeoutMs: 300 });
    assert.equal(over.byId.a?.status, 'timeout');
    assert.equal(over.byId.a?.text, 'a');
    assert.equal(over.byId.a?.metrics.totalMs, 300);
  });

  it('a stall after the headers but before any text is retried: nothing was shown yet', async () => {
    const { byId, calls, retries } = await play({ a: [[{ type: 'response-metadata' }, { stall: true }], answer({ firstTokenMs: 40 })] }, { idleTimeoutMs: 300 });
    assert.equal(byId.a?.status, 'ok');
    assert.equal(byId.a?.retries, 1);
    assert.equal(calls[0]?.abortedAt, 300);
    assert.equal(retries[0]?.error.kind, 'timeout');
    assert.equal(Math.round((calls[1]!.sentAt - 300) * 10) / 10, retries[0]?.delayMs, 'the second attempt is sent after exactly the reported wait');
    assert.equal(byId.a?.metrics.ttftMs, Math.round((calls[1]!.sentAt + 40) * 10) / 10);
  });

  it('a response that never starts ends at exactly the first-byte timeout, each attempt with its own bound', async () => {
    const once = await play({ a: [[{ stall: true }]] }, { firstByteTimeoutMs: 200, retry: { maxRetries: 0 } });
    assert.equal(once.byId.a?.status, 'timeout');
    assert.match(once.byId.a?.error?.message ?? '', /No response within 0.2 s/);
    assert.equal(once.byId.a?.metrics.totalMs, 200);
    assert.deepEqual(once.calls.map((call) => call.abortedAt), [200]);
    const twice = await play({ a: [[{ stall: true }]] }, { firstByteTimeoutMs: 200, retry: { maxRetries: 1, baseDelayMs: 100 } });
    const [first, second] = twice.calls;
    assert.equal(twice.byId.a?.retries, 1);
    assert.equal(first?.abortedAt, 200);
    assert.equal(Math.round((second!.abortedAt! - second!.sentAt) * 1e6) / 1e6, 200, "the second attempt has its own 200 ms bound (to a millionth of a millisecond: the backoff jitter makes both times fractional)");
    assert.equal(twice.byId.a?.metrics.totalMs, Math.round(second!.abortedAt! * 10) / 10);
  });

  it('the overall deadline ends a slow stream at exactly its bound, with exactly the text so far, and no retry after text', async () => {
    const { byId, calls } = await play({ a: [answer({ firstTokenMs: 100, tokens: Array(50).fill('w'), gapMs: 100 })] }, { timeoutMs: 450 });
    assert.equal(byId.a?.status, 'timeout');
    assert.match(byId.a?.error?.message ?? '', /No complete answer within 0.45 s/);
    assert.equal(byId.a?.text, 'wwww', 'tokens at 100, 200, 300 and 400 ms');
    assert.equal(byId.a?.metrics.totalMs, 450);
    assert.deepEqual(calls.map((call) => call.abortedAt), [450]);
  });

  it('the first-byte timeout is never longer than the overall deadline', async () => {
    const { byId } = await play({ a: [[{ stall: true }]] }, { timeoutMs: 500, firstByteTimeoutMs: 60_000 });
    assert.equal(byId.a?.status, 'timeout');
    assert.equal(byId.a?.metrics.totalMs, 500);
  });

  it('retries a 429 before the first token after exactly its retry-after; ttft counts from the first attempt', async () => {
    const { byId, calls, retries } = await play({ a: [[{ wait: 30 }, rateLimited(150)], answer({ firstTokenMs: 120 })] });
    assert.equal(byId.a?.status, 'ok');
    assert.equal(byId.a?.retries, 1);
    assert.deepEqual(retries.map((retry) => [retry.attempt, retry.delayMs, retry.error.kind]), [[1, 150, 'rate_limit']]);
    assert.deepEqual(calls.map((call) => call.sentAt), [0, 180]);
    assert.equal(calls[0]?.abortedAt, 30, 'the failed attempt is closed when it fails');
    assert.equal(byId.a?.metrics.ttftMs, 300, 'the wait is part of what that cloud cost');
  });

  it('without a retry-after, waits back off (base × 2^n, ±20 %) and retries are bounded', async () => {
    const { byId, calls, retries } = await play({ a: [[serverError]] }, { retry: { maxRetries: 2, baseDelayMs: 100 } });
    assert.equal(byId.a?.status, 'error');
    assert.equal(byId.a?.retries, 2);
    assert.equal(calls.length, 3);
    const waits = [calls[1]!.sentAt - calls[0]!.sentAt, calls[2]!.sentAt - calls[1]!.sentAt];
    assert.deepEqual(retries.map((retry) => retry.delayMs), waits.map((wait) => Math.round(wait * 10) / 10));
    assert.ok(waits[0]! >= 80 && waits[0]! <= 120, `first wait ${waits[0]}`);
    assert.ok(waits[1]! >= 160 && waits[1]! <= 240, `second wait ${waits[1]}`);
    assert.equal(byId.a?.metrics.totalMs, Math.round(calls[2]!.sentAt * 10) / 10);
  });

  it('a retry-after that would end at or past the deadline is reported, not waited for', async () => {
    const failAt900 = (retryAfterMs: number) => play({ a: [[{ wait: 900 }, rateLimited(retryAfterMs)], answer()] }, { timeoutMs: 1000 });
    const atDeadline = await failAt900(100);
    assert.equal(atDeadline.byId.a?.status, 'error');
    assert.equal(atDeadline.byId.a?.retries, 0);
    assert.equal(atDeadline.byId.a?.metrics.totalMs, 900);
    const justBefore = await failAt900(99);
    assert.equal(justBefore.byId.a?.status, 'ok');
    assert.deepEqual(justBefore.calls.map((call) => call.sentAt), [0, 999]);
  });

  it('measures ttft, total, tokens/s and cost exactly as DESIGN.md defines them', async () => {
    const tokens = Array.from({ length: 11 }, (_, index): Step[] => [...(index > 0 ? [{ wait: 20 }] : []), text('t')]).flat();
    // an empty delta at 100 ms is not the first token
    const { byId, events } = await play({ a: [[{ type: 'response-metadata' }, { wait: 100 }, text(''), { wait: 100 }, ...tokens, usage(9, 11), finish()]] });
    const { ttftMs, totalMs, tokensPerSecond, inputTokens, outputTokens, costUsd } = byId.a!.metrics;
    assert.equal(ttftMs, 200);
    assert.equal(totalMs, 400);
    assert.equal(tokensPerSecond, 55, '11 tokens over the 200 ms after the first');
    assert.equal(inputTokens, 9);
    assert.equal(outputTokens, 11);
    assert.equal(costUsd, (9 * 0.15 + 11 * 0.6) / 1_000_000);
    const textAt = events.flatMap((event) => (event.type === 'part' && event.part.type === 'text-delta' ? [event.atMs] : []));
    assert.deepEqual(textAt, [200, 220, 240, 260, 280, 300, 320, 340, 360, 380, 400]);
  });

  it('reports each part as it arrives, not when the run ends', async () => {
    const clock = new VirtualClock();
    const adapter = new ScriptedAdapter(clock, { a: [answer({ firstTokenMs: 100, tokens: ['one', ' two', ' three'], gapMs: 100 })] });
    const seen: string[] = [];
    const running = runFanout(PROMPT, [deployment('a')], {
      loadAdapter: async () => adapter, credentials: testCredentials(), clock,
      onEvent: (event) => seen.push(event.type !== 'part' ? event.type : `${event.atMs}:${event.part.type === 'text-delta' ? event.part.text : event.part.type}`),
    });
    await clock.advance(99);
    assert.deepEqual(seen, ['start', '0:response-metadata']);
    await clock.advance(1);
    assert.deepEqual(seen.slice(2), ['100:one']);
    await clock.advance(150);
    assert.deepEqual(seen.slice(2), ['100:one', '200: two']);
    const [result] = await clock.run(running);
    assert.deepEqual(seen.slice(4), ['300: three', '300:usage', '300:finish', 'result']);
    assert.equal(result?.metrics.totalMs, 300);
  });

  it('times credential look-up apart, never inside ttft', async () => {
    const clock = new VirtualClock();
    const slowCredentials = testCredentials();
    const credentials = { resolve: async (...args: Parameters<typeof slowCredentials.resolve>) => (await sleep(clock, 300, args[1]), slowCredentials.resolve(...args)) };
    const { byId, calls } = await play({ a: [answer({ firstTokenMs: 50 })] }, { credentials }, clock);
    assert.equal(byId.a?.credentialMs, 300);
    assert.equal(byId.a?.metrics.ttftMs, 50);
    assert.equal(byId.a?.metrics.totalMs, 50);
    assert.equal(calls[0]?.sentAt, 300);
  });

  it('cancelled while the credential is looked up: nothing is sent, and the result is cancelled, not an empty ok', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const plain = testCredentials();
    // the look-up ignores the signal and answers anyway, as a slow SSO or ADC refresh may
    const credentials = { resolve: async (...args: Parameters<typeof plain.resolve>) => (await sleep(clock, 300, new AbortController().signal), plain.resolve(...args)) };
    clock.schedule(100, () => controller.abort());
    const { byId, calls } = await play({ a: [answer({ firstTokenMs: 50 })] }, { credentials, signal: controller.signal }, clock);
    assert.equal(byId.a?.status, 'cancelled');
    assert.equal(byId.a?.error?.kind, 'cancelled');
    assert.equal(byId.a?.text, '');
    assert.equal(calls.length, 0, 'nothing was sent');
  });
});
