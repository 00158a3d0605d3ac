/**
 * The shipped price data: @pydantic/genai-prices in a lazily loaded chunk of its own (dist/providers/prices.js), cut to
 * the providers our clouds are priced under, and still pricing every one of their models exactly as the whole library.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as library from '@pydantic/genai-prices';
import { PRICES_AS_OF } from '../../src/core/results/pricing';
import { listedModels } from '../support/libraryModels';

const ROOT = join(__dirname, '../../..');
const OURS = ['openai', 'azure', 'aws', 'google'];

interface Run { code: number; stdout: string; stderr: string }
/** `fanout ARGS` as a process, with a preload that says on stderr when the prices chunk is required. */
function fanout(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-prices-'));
  const hook = join(dir, 'hook.js');
  writeFileSync(hook, `const Module = require('module'); const load = Module._load;
Module._load = function (request, ...rest) { if (/prices\\.js$/.test(request)) process.stderr.write('[prices chunk loaded]\\n'); return load.call(this, request, ...rest); };`);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ deployments: [{ id: 'o', provider: 'openai', model: 'gpt-4o-mini' }] }));
  return new Promise((done) => execFile(process.execPath, ['-r', hook, join(ROOT, 'bin/fanout.js'), ...args.map((arg) => arg.replace('CONFIG', join(dir, 'config.json')))],
    { env: { ...process.env, ...env }, timeout: 30_000 },
    (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
}

describe('price data chunk', () => {
  it('genai-prices is in its own chunk: neither the CLI nor the extension bundles it', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const holders = Object.entries(meta.outputs).filter(([, info]) => Object.keys(info.inputs).some((input) => input.includes('node_modules/@pydantic/genai-prices/'))).map(([output]) => output);
    assert.deepEqual(holders, ['dist/providers/prices.js']);
  });

  it('the chunk keeps only our clouds\' providers and those they fall back to, and prices each of their models as the whole library', () => {
    const chunk = require(join(ROOT, 'dist/providers/prices.js')) as typeof library;
    const fallbacks = OURS.flatMap((id) => library.findProvider({ providerId: id })?.fallback_model_providers ?? []);
    assert.deepEqual([...new Set(fallbacks)].sort(), ['anthropic', 'deepseek', 'moonshotai', 'openai', 'x-ai']);
    for (const dropped of ['mistral', 'groq', 'openrouter', 'cohere']) {
      assert.ok(library.findProvider({ providerId: dropped }), dropped);
      assert.equal(chunk.findProvider({ providerId: dropped }), undefined, `${dropped} is not shipped`);
    }
    const at = new Date('2026-11-01T12:00:00Z');
    const usages = [{ input_tokens: 12_000, cache_read_tokens: 3_000, cache_write_tokens: 2_000, output_tokens: 900 },
      { input_tokens: 400_000, cache_read_tokens: 150_000, cache_write_tokens: 50_000, output_tokens: 20_000 }];
    let compared = 0;
    for (const providerId of [...new Set([...OURS, ...fallbacks])]) {
      const whole = library.findProvider({ providerId })!;
      const shipped = chunk.findProvider({ providerId });
      assert.ok(shipped, providerId);
      assert.deepEqual(shipped.models.map((model) => [model.id, model.match, model.prices]), whole.models.map((model) => [model.id, model.match, model.prices]), providerId);
      for (const { model, id } of listedModels(library, providerId)) {
        assert.ok(id, `${providerId}/${model.id}`);
        for (const usage of usages) {
          const expected = library.calcPrice(usage, id, { providerId, timestamp: at });
          const got = chunk.calcPrice(usage, id, { providerId, timestamp: at });
          assert.equal(got?.model.id, expected?.model.id, `${providerId}/${id}`);
          assert.equal(got?.total_price, expected?.total_price, `${providerId}/${id}`);
          compared++;
        }
      }
      // a model the provider does not list itself is priced through the same fallback (Azure's gpt-4o as OpenAI's)
      if (providerId === 'azure') assert.equal(chunk.calcPrice(usages[0]!, 'gpt-4o', { providerId })?.total_price, library.calcPrice(usages[0]!, 'gpt-4o', { providerId })?.total_price);
    }
    assert.ok(compared >= 2 * (93 + 23 + 93 + 56), String(compared));
  });

  it('`fanout --version` names the prices without loading them; the first answer priced loads them', async function () {
    this.timeout(60_000);
    const version = await fanout(['--version'], {});
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.split('\n')[1], PRICES_AS_OF);
    assert.doesNotMatch(version.stderr, /prices chunk loaded/);
    // no key: the answer fails before anything is sent, and is still priced (null, with the reason)
    const run = await fanout(['run', '--config', 'CONFIG', '--prompt', 'hi', '--format', 'json'], { OPENAI_API_KEY: undefined });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /prices chunk loaded/);
    assert.equal(JSON.parse(run.stdout).priceTable.date, PRICES_AS_OF.match(/\d{4}-\d{2}-\d{2}/)![0]);
  });
});
