/** Load: 64 deployments at once, 100 runs in a row, 2 MB answers, 1 MB prompts — nothing lost, memory back to its baseline. */
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const heap = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
};

describe('load', function () {
  this.timeout(300_000);
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  const options = () => ({ loadAdapter, credentials: testCredentials() });
  const mixed = (count: number): Deployment[] => {
    const all = deploymentsFor(emulators);
    const kinds = [all.openai, all.azure, all.bedrock, all.gemini, all.vertex];
    return Array.from({ length: count }, (_, i) => ({ ...kinds[i % kinds.length]!, id: `d${i}` }));
  };

  it('64 deployments at once: every answer complete', async () => {
    emulators.reset();
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { firstTokenDelayMs: 100, tokens: 40, tokensPerSecond: 200 } });
    const started = performance.now();
    const results = await runFanout(PROMPT, mixed(64), options());
    const wall = performance.now() - started;
    assert.deepEqual([...new Set(results.map((result) => result.status))], ['ok']);
    for (const result of results) assert.equal(result.metrics.outputTokens, 40);
    // concurrent, not queued: the run takes a fraction of the answers' summed times. Both are measured in this process,
    // so a busy machine slows both alike and the ratio holds where a wall-clock bound would not
    const summed = results.reduce((sum, result) => sum + (result.metrics.totalMs ?? 0), 0);
    assert.ok(wall < summed / 8, `64 answers took ${Math.round(wall)} ms together and ${Math.round(summed)} ms summed: not concurrent`);
    console.log(`      64 at once: ${Math.round(wall)} ms wall, ${Math.round(summed)} ms summed (${(summed / wall).toFixed(1)}× overlap)`);
  });

  it('100 runs in a row on 8 deployments: every result complete, heap back to its baseline', async () => {
    emulators.reset();
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { tokens: 30 } });
    const list = mixed(8);
    for (let i = 0; i < 10; i++) await runFanout(PROMPT, list, options()); // warm-up
    const before = await heap();
    let answers = 0;
    for (let i = 0; i < 100; i++) {
      const results = await runFanout(PROMPT, list, options());
      for (const result of results) {
        assert.equal(result.status, 'ok');
        assert.equal(result.metrics.outputTokens, 30);
        answers++;
      }
    }
    const growth = (await heap()) - before;
    console.log(`      ${answers} answers; heap ${(growth / 2 ** 20).toFixed(2)} MB after the runs`);
    assert.ok(growth < 10 * 2 ** 20, `heap grew ${(growth / 2 ** 20).toFixed(1)} MB`);
  });

  it('2 MB answers from every kind of stream arrive whole', async () => {
    emulators.reset();
    const words = 2 * 1024 * 1024 / 16;
    const text = Array.from({ length: words }, (_, i) => ` word-${String(i % 100000).padStart(9, '0')}`).join(''); // 16 bytes a token
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { text } });
    const all = deploymentsFor(emulators);
    const results = await runFanout(PROMPT, [all.openai, all.bedrock, all.gemini], { ...options(), timeoutMs: 120_000 });
    for (const result of results) {
      assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
      assert.equal(result.text.length, text.length, result.deployment);
      assert.equal(result.text, text, result.deployment);
    }
  });

  it('1 MB prompts reach every cloud whole (both Bedrock transports too): answered, or a clear too-long reason where the model\'s window is smaller', async () => {
    emulators.reset();
    const prompt = Array.from({ length: 1024 * 1024 / 16 }, (_, i) => ` line-${String(i).padStart(10, '0')}`).join('');
    const request = { ...PROMPT, messages: [{ role: 'user' as const, content: prompt }] };
    const all = deploymentsFor(emulators);
    const list = [all.openai, all.azure, all.bedrock, all.gemini, all.vertex];
    const [results, h1] = await Promise.all([
      runFanout(request, list, { ...options(), timeoutMs: 60_000 }),
      runFanout(request, [{ ...all.bedrock, id: 'bedrock-h1' }], { ...options(), timeoutMs: 60_000, transport: { http1: true } }),
    ]);
    // ~262k tokens: past a 128k-context model (the emulators enforce each model's window, as the clouds do), within Gemini's
    const outcome: Record<string, string> = {};
    for (const result of [...results, ...h1]) {
      outcome[result.deployment] = result.status === 'ok' ? 'ok' : result.error!.kind;
      if (result.status === 'ok') assert.ok(result.text.length > 0);
      else {
        assert.equal(result.error!.kind, 'context_length', `${result.deployment}: ${JSON.stringify(result.error)}`);
        assert.match(result.error!.message, /The prompt is too long for this model .*Shorten it/);
        assert.equal(result.retries, 0, 'a too-long prompt is not retried');
      }
    }
    assert.equal(outcome['gemini-flash'], 'ok');
    assert.equal(outcome['vertex-flash'], 'ok');
    const bodies = [emulators.openai, emulators.bedrock, emulators.google].flatMap((emulator) => emulator.server.requests.map((r) => r.body));
    assert.equal(bodies.length, 6, 'one request each: nothing retried');
    for (const body of bodies) assert.ok(body.includes(prompt), `a request body of ${body.length} bytes holds the whole prompt`);
    console.log(`      1 MB prompt: ${bodies.length} requests of ${(Math.min(...bodies.map((b) => b.length)) / 2 ** 20).toFixed(2)}+ MB sent whole; ${JSON.stringify(outcome)}`);
  });
});
