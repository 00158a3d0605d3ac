/** Load: 64 deployments at once, 100 runs in a row, 2 MB answers — nothing lost, memory back to its baseline. */
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Deployment } from '../../src/core/deployment';
import { runFanout } from '../../src/core/fanout';
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
    assert.ok(wall < 2000, `64 concurrent answers of ~300 ms took ${Math.round(wall)} ms`);
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
});
