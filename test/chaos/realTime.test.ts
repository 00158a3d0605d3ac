/**
 * Real time, on purpose: the engine on the real clock against the emulators, with the bounds a user would
 * notice (wall time of a fan-out, how soon a cancel closes sockets, how close to their bounds timeouts fire,
 * ttft over the wire). The exact logic is asserted on a virtual clock in test/unit/fanoutTiming.test.ts;
 * these check that the real clock and the sockets keep to it on this machine.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout, type FanoutOptions } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { sleep } from '../emulators/behaviour';
import { PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

describe('real time', function () {
  this.timeout(60_000);
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
    await runFanout(PROMPT, four(), options()); // load each adapter's SDK once, so module loading is not measured
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  const table: string[] = [];
  after(() => console.log(`      ${table.join('\n      ')}`));

  const options = (extra: Partial<FanoutOptions> = {}): FanoutOptions => ({ loadAdapter, credentials: testCredentials(), ...extra });
  function four(): Deployment[] {
    const all = deploymentsFor(emulators);
    return [all.openai, all.azure, all.bedrock, all.gemini];
  }
  const servers = () => [emulators.openai, emulators.bedrock, emulators.google];
  const allRequests = () => servers().flatMap((emulator) => emulator.server.requests);

  it('a fan-out takes as long as its slowest deployment, not the sum', async () => {
    const slow = { firstTokenDelayMs: 300, tokens: 6, tokensPerSecond: 50 }; // ≈ 400 ms each
    for (const emulator of servers()) emulator.behaviour.reset({ default: slow });
    const started = performance.now();
    const results = await runFanout(PROMPT, four(), options());
    const wall = performance.now() - started;
    assert.deepEqual(results.map((result) => result.status), ['ok', 'ok', 'ok', 'ok'], JSON.stringify(results.map((r) => r.error)));
    const slowest = Math.max(...results.map((result) => result.metrics.totalMs!));
    assert.ok(wall < slowest + 150, `wall ${wall.toFixed(0)} ms vs slowest ${slowest.toFixed(0)} ms`);
    assert.ok(wall < 800, `sequential would take ~1600 ms; took ${wall.toFixed(0)} ms`);
    // request start times come from three servers' clocks; each server's own requests start together
    for (const emulator of servers()) {
      const times = emulator.server.requests.map((request) => request.startedAt);
      assert.ok(Math.max(...times) - Math.min(...times) < 100, `starts spread ${JSON.stringify(times)}`);
    }
    table.push(`4 answers of ~400 ms: wall ${wall.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`);
  });

  it('a cancel closes every connection within 1 s, seen from the servers', async () => {
    const all = deploymentsFor(emulators);
    for (const emulator of servers()) emulator.behaviour.reset({ default: { tokens: 100, stallAfterTokens: 2 } });
    const controller = new AbortController();
    const running = Promise.all([
      runFanout(PROMPT, [all.openai, all.azure, all.bedrock, all.gemini, all.vertex], options({ signal: controller.signal })),
      runFanout(PROMPT, [{ ...all.bedrock, id: 'bedrock-h1' }], options({ signal: controller.signal, transport: { http1: true } })),
    ]).then((runs) => runs.flat());
    for (let i = 0; i < 100 && allRequests().length < 6; i++) await sleep(20);
    await sleep(100);
    assert.equal(allRequests().length, 6);
    const abortedAt = new Map(servers().map((emulator) => [emulator, emulator.server.now()]));
    controller.abort();
    const results = await running;
    assert.deepEqual(results.map((result) => result.status), Array(6).fill('cancelled'));
    await sleep(1000);
    let latest = 0;
    for (const emulator of servers()) {
      for (const request of emulator.server.requests) {
        assert.ok(request.closedAt !== undefined, `${request.path} still open 1 s after cancel`);
        const after = request.closedAt! - abortedAt.get(emulator)!;
        assert.ok(after < 1000, `${request.path} closed ${after} ms after cancel`);
        latest = Math.max(latest, after);
      }
      assert.equal(emulator.server.inFlight, 0);
    }
    assert.equal(emulators.openai.server.openSockets + emulators.google.server.openSockets, 0, 'HTTP/1.1 sockets left open');
    table.push(`cancel: 6 connections closed, the last ${latest.toFixed(0)} ms after the abort`);
  });

  it('idle and first-byte timeouts fire close to their bounds on every provider', async () => {
    const all = deploymentsFor(emulators);
    for (const emulator of servers()) emulator.behaviour.reset({ default: { tokens: 10, stallAfterTokens: 3, tokensPerSecond: 200 } });
    let started = performance.now();
    const stalled = (await Promise.all([
      runFanout(PROMPT, [all.openai, all.azure, all.bedrock, all.vertex, all.gemini], options({ idleTimeoutMs: 300 })),
      runFanout(PROMPT, [{ ...all.bedrock, id: 'bedrock-h1' }], options({ idleTimeoutMs: 300, transport: { http1: true } })),
    ])).flat();
    const idleWall = performance.now() - started;
    assert.deepEqual([...new Set(stalled.map((result) => result.status))], ['timeout']);
    assert.ok(idleWall < 1500, `idle timeout of 300 ms: the fan-out took ${idleWall.toFixed(0)} ms`);

    emulators.reset();
    emulators.openai.behaviour.next({ headersDelayMs: 3000 });
    started = performance.now();
    const [silent] = await runFanout(PROMPT, [all.openai], options({ firstByteTimeoutMs: 200, retry: { maxRetries: 0 } }));
    const firstByteWall = performance.now() - started;
    assert.equal(silent?.status, 'timeout');
    assert.ok(firstByteWall < 1000, `first-byte timeout of 200 ms: took ${firstByteWall.toFixed(0)} ms`);
    table.push(`idle timeout 300 ms on 6 columns: ${idleWall.toFixed(0)} ms; first-byte timeout 200 ms: ${firstByteWall.toFixed(0)} ms`);
  });

  it('ttft and total over the wire are the server\'s delays plus little', async () => {
    emulators.openai.behaviour.next({ firstTokenDelayMs: 200, tokens: 11, tokensPerSecond: 50 });
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).openai], options());
    const { ttftMs, totalMs } = result!.metrics;
    assert.ok(ttftMs! >= 200 && ttftMs! < 260, `ttft ${ttftMs}`);
    assert.ok(totalMs! >= 400 && totalMs! < 500, `total ${totalMs}`); // 200 + 10 × 20 ms
    table.push(`ttft ${ttftMs} ms for a 200 ms first token; total ${totalMs} ms for 400 ms`);
  });

  it('a slow credential look-up stays out of ttft', async () => {
    const credentials = testCredentials();
    const slow = { resolve: async (...args: Parameters<typeof credentials.resolve>) => (await sleep(300), credentials.resolve(...args)) };
    const [result] = await runFanout(PROMPT, [deploymentsFor(emulators).gemini], options({ credentials: slow }));
    assert.ok(result!.credentialMs >= 295, `credential ${result!.credentialMs}`);
    assert.ok(result!.metrics.ttftMs! < 150, `ttft ${result!.metrics.ttftMs}`);
    table.push(`credential ${result!.credentialMs} ms, ttft ${result!.metrics.ttftMs} ms`);
  });
});
