/**
 * The fan-out engine against the emulators through the real adapters: concurrency, isolation, cancel, timeouts,
 * retries, metrics, as they show on the wire. No assertion here measures the machine: exact timings are asserted
 * on a virtual clock in fanoutTiming.test.ts, and real-time bounds live in the chaos lane (test/chaos/realTime.test.ts).
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout, type FanoutEvent, type FanoutOptions } from '../../src/core/engine/fanout';
import { providerError } from '../../src/core/request/stream';
import { loadAdapter } from '../../src/providers/registry';
import { sleep } from '../emulators/behaviour';
import { PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

describe('fan-out engine', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  const options = (extra: Partial<FanoutOptions> = {}): FanoutOptions => ({ loadAdapter, credentials: testCredentials(), ...extra });
  const four = (): Deployment[] => {
    const all = deploymentsFor(emulators);
    return [all.openai, all.azure, all.bedrock, all.gemini];
  };
  const allRequests = () => [emulators.openai, emulators.bedrock, emulators.google].flatMap((emulator) => emulator.server.requests);
  /** Waits for what the servers see to come true. The bound (1000 polls, 10 s or more) is for liveness, not a measurement. */
  const until = async (condition: () => boolean, what: string): Promise<void> => {
    for (let poll = 0; poll < 1000 && !condition(); poll++) await sleep(10);
    assert.ok(condition(), `never came true: ${what}`);
  };

  it('starts every deployment at once: every request is on the wire while the others are still open', async () => {
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { tokens: 100, stallAfterTokens: 2 } });
    const controller = new AbortController();
    const running = runFanout(PROMPT, four(), options({ signal: controller.signal }));
    // every answer stalls until cancelled: a fan-out that sent one request after another would never get here
    await until(() => allRequests().length === 4, 'all four requests sent');
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) {
      assert.equal(emulator.server.inFlight, emulator.server.requests.length, 'every request is still open');
    }
    controller.abort();
    assert.deepEqual((await running).map((result) => result.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
  });

  it('one failing and one stalling deployment neither delay nor break the others', async () => {
    const all = deploymentsFor(emulators);
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o-mini': { error: { status: 500 } }, 'gpt-4o': { tokens: 4 } } });
    emulators.bedrock.behaviour.next({ tokens: 6, stallAfterTokens: 2, tokensPerSecond: 100 });
    const results = await runFanout(PROMPT, [all.openai, all.azure, all.bedrock, all.gemini], options({ idleTimeoutMs: 500, retry: { maxRetries: 0 } }));
    const byId = Object.fromEntries(results.map((result) => [result.deployment, result]));
    assert.equal(byId['openai-mini']?.status, 'error');
    assert.equal(byId['openai-mini']?.error?.kind, 'server');
    assert.equal(byId['bedrock-haiku']?.status, 'timeout');
    assert.match(byId['bedrock-haiku']?.error?.message ?? '', /stalled: no data for 0.5 s/);
    assert.equal(byId['bedrock-haiku']?.text, '[us.anthropic.claude-3-5-haiku-20241022-v1:0] Fanout');
    for (const id of ['azure-gpt4o', 'gemini-flash']) {
      assert.equal(byId[id]?.status, 'ok', id);
      assert.equal(byId[id]?.finishReason, 'stop', id);
    }
  });

  it('cancel closes every connection, seen from the servers', async () => {
    const all = deploymentsFor(emulators);
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { tokens: 100, stallAfterTokens: 2 } });
    const controller = new AbortController();
    const running = Promise.all([
      runFanout(PROMPT, [all.openai, all.azure, all.bedrock, all.gemini, all.vertex], options({ signal: controller.signal })),
      runFanout(PROMPT, [{ ...all.bedrock, id: 'bedrock-h1' }], options({ signal: controller.signal, transport: { http1: true } })),
    ]).then((runs) => runs.flat());
    await until(() => allRequests().length === 6, 'every server is streaming');
    assert.deepEqual(emulators.bedrock.server.requests.map((request) => request.httpVersion).sort(), ['1.1', '2.0']);
    controller.abort();
    const results = await running;
    assert.deepEqual(results.map((result) => result.status), Array(6).fill('cancelled'));
    // how fast, in real time, is the chaos lane's question; here: every connection does get closed
    const servers = [emulators.openai, emulators.bedrock, emulators.google];
    await until(() => servers.every((emulator) => emulator.server.inFlight === 0), 'every request closed after cancel');
    for (const emulator of servers) {
      for (const request of emulator.server.requests) assert.ok(request.closedAt !== undefined, `${request.path} still open after cancel`);
    }
    await until(() => emulators.openai.server.openSockets + emulators.google.server.openSockets === 0, 'no HTTP/1.1 socket left open');
  });

  it('a stream that stalls after text ends at the idle timeout on every provider, and is not retried', async () => {
    const all = deploymentsFor(emulators);
    const list: Deployment[] = [all.openai, all.azure, all.bedrock, all.vertex, all.gemini];
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { tokens: 10, stallAfterTokens: 3, tokensPerSecond: 200 } });
    const results = (await Promise.all([
      runFanout(PROMPT, list, options({ idleTimeoutMs: 300 })),
      runFanout(PROMPT, [{ ...all.bedrock, id: 'bedrock-h1' }], options({ idleTimeoutMs: 300, transport: { http1: true } })),
    ])).flat();
    for (const result of results) {
      assert.equal(result.status, 'timeout', result.deployment);
      assert.match(result.error?.message ?? '', /stalled: no data for 0.3 s/, result.deployment);
      assert.match(result.text, / Fanout streams$/, result.deployment);
      assert.equal(result.retries, 0, result.deployment);
    }
    assert.equal(allRequests().length, list.length + 1);
    assert.deepEqual(emulators.bedrock.server.requests.map((request) => request.httpVersion).sort(), ['1.1', '2.0']);
  });

  it('a response that never starts ends at the first-byte timeout', async () => {
    emulators.openai.behaviour.next({ headersDelayMs: 3000 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options({ firstByteTimeoutMs: 200, retry: { maxRetries: 0 } }));
    assert.equal(result?.status, 'timeout');
    assert.match(result?.error?.message ?? '', /No response within 0.2 s/);
    assert.equal(emulators.openai.server.requests.length, 1);
  });

  it('the overall timeout ends a stream with the text so far', async () => {
    emulators.google.behaviour.next({ tokens: 50, stallAfterTokens: 2 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).gemini], options({ timeoutMs: 400 }));
    assert.equal(result?.status, 'timeout');
    assert.match(result?.error?.message ?? '', /No complete answer within 0.4 s/);
    assert.equal(result?.text, '[gemini-2.0-flash] Fanout');
    assert.equal(emulators.google.server.requests.length, 1, 'no retry after text');
  });

  it('retries a 429 before the first token, honouring retry-after, and reports it', async () => {
    emulators.openai.behaviour.next({ error: { status: 429, headers: { 'retry-after-ms': '150' } } }, { tokens: 3 });
    const events: FanoutEvent[] = [];
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options({ onEvent: (event) => events.push(event) }));
    assert.equal(result?.status, 'ok');
    assert.equal(result?.retries, 1);
    const retry = events.find((event) => event.type === 'retry');
    assert.equal(retry?.type === 'retry' && retry.delayMs, 150);
    assert.equal(retry?.type === 'retry' && retry.error.kind, 'rate_limit');
    const [first, second] = emulators.openai.server.requests;
    assert.ok(second!.startedAt - first!.startedAt >= 145, `waited ${second!.startedAt - first!.startedAt} ms`);
    // ttft counts from the first attempt: the wait is part of what that cloud cost
    assert.ok(result!.metrics.ttftMs! >= 145);
  });

  it('retries are bounded', async () => {
    emulators.bedrock.behaviour.next({ error: { status: 503 } }, { error: { status: 503 } }, { error: { status: 503 } }, { tokens: 2 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).bedrock], options({ retry: { maxRetries: 2, baseDelayMs: 10 } }));
    assert.equal(result?.status, 'error');
    assert.equal(result?.retries, 2);
    assert.equal(emulators.bedrock.server.requests.length, 3);
  });

  it('a retry-after longer than the retry bound is reported, not waited for', async () => {
    emulators.openai.behaviour.next({ error: { status: 429, headers: { 'retry-after': '60' } } });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options());
    assert.equal(result?.status, 'error');
    assert.equal(result?.retries, 0);
    assert.match(result?.error?.message ?? '', /asked to wait 60 s/);
  });

  it('never retries once text has arrived: a drop after text is an error with the partial text', async () => {
    emulators.openai.behaviour.next({ tokens: 8, dropAfterTokens: 3, tokensPerSecond: 200 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options());
    assert.equal(result?.status, 'error');
    assert.equal(result?.error?.kind, 'network');
    assert.equal(result?.text, '[gpt-4o-mini] Fanout streams');
    assert.equal(result?.retries, 0);
    assert.equal(emulators.openai.server.requests.length, 1);
  });

  it('measures ttft, total, tokens/s and cost as DESIGN.md defines them', async () => {
    emulators.openai.behaviour.next({ firstTokenDelayMs: 200, tokens: 11, tokensPerSecond: 50 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options());
    const { ttftMs, totalMs, tokensPerSecond, inputTokens, outputTokens, costUsd } = result!.metrics;
    // taken where the bytes arrive: never before the server sent them (upper bounds measure the machine: chaos lane)
    assert.ok(ttftMs! >= 200, `ttft ${ttftMs}`);
    assert.ok(totalMs! >= 400, `total ${totalMs}`); // 200 + 10 × 20 ms
    assert.equal(tokensPerSecond, Math.round((11 / ((totalMs! - ttftMs!) / 1000)) * 10) / 10);
    assert.equal(inputTokens, 9);
    assert.equal(outputTokens, 11);
    assert.equal(costUsd, (9 * 0.15 + 11 * 0.6) / 1_000_000);
    assert.equal(result?.finishReason, 'stop');
    assert.match(result?.requestId ?? '', /^req_/);
  });

  it('a credential that cannot be found fails that deployment only, with its reason', async () => {
    const all = deploymentsFor(emulators);
    const resolver = {
      resolve: async (deployment: Deployment) => deployment.id === 'openai-mini'
        ? { ok: false as const, error: providerError('auth', 'No API key for deployment "openai-mini": set OPENAI_API_KEY.', { retryable: false }) }
        : testCredentials().resolve(deployment, new AbortController().signal),
    };
    const results = await runFanout(PROMPT, [all.openai, all.gemini], { loadAdapter, credentials: resolver });
    assert.equal(results[0]?.status, 'error');
    assert.match(results[0]?.error?.message ?? '', /OPENAI_API_KEY/);
    assert.equal(results[1]?.status, 'ok');
    assert.equal(emulators.openai.server.requests.length, 0);
  });

  it('an adapter that throws instead of yielding an error part is contained', async () => {
    const broken = { stream: async function* () { yield* []; throw new Error('boom'); } };
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], { loadAdapter: async () => broken, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(result?.status, 'error');
    assert.match(result?.error?.message ?? '', /boom/);
  });
});
