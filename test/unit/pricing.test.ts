/** Cost from usage and @pydantic/genai-prices: routes, base models, cache reads and writes, tiers, overrides, and never a made-up 0. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as library from '@pydantic/genai-prices';
import type { Deployment } from '../../src/core/config/deployment';
import { PRICE_DATA_VERSION, PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, costOf, loadPrices, lookupPrice } from '../../src/core/results/pricing';
import { listedModels } from '../support/libraryModels';

const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
const bedrock = (model: string): Deployment => ({ id: 'b', provider: 'bedrock', model, region: 'us-east-1' });
const ROOT = join(__dirname, '../../..');

/** Fanout's deployments whose prices the library holds, by the library's provider id. */
const KINDS: Record<string, Array<(model: string) => Deployment>> = {
  openai: [(model) => ({ id: 'o', provider: 'openai', model })],
  azure: [(model) => ({ id: 'a', provider: 'azure-openai', model, endpoint: 'https://r.openai.azure.com' })],
  aws: [bedrock],
  google: [
    (model) => ({ id: 'g', provider: 'gemini', model }),
    (model) => ({ id: 'v', provider: 'vertex', model: `publishers/google/models/${model}`, project: 'proj-12345', location: 'us-central1' }),
    (model) => ({ id: 'vo', provider: 'vertex-openai', model: `google/${model}`, project: 'proj-12345', location: 'us-central1' }),
  ],
};

describe('pricing', () => {
  before(() => loadPrices());

  it('is dated and names its source: the genai-prices version installed', () => {
    assert.match(PRICE_TABLE_DATE, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(PRICE_TABLE_SOURCE, /genai-prices/);
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/@pydantic/genai-prices/package.json'), 'utf8')).version;
    assert.equal(PRICE_DATA_VERSION, installed, 'a new genai-prices: set PRICE_DATA_VERSION and PRICE_TABLE_DATE (its publish date: npm view @pydantic/genai-prices time) in src/core/results/pricing.ts');
  });

  it('prices OpenAI models, with dated snapshots as their base model', () => {
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4o-mini' }, usage).costUsd, 0.15 + 0.6);
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4.1-2025-04-14' }, usage).costUsd, 2 + 8);
  });

  it('prices Azure by the base model, whatever the deployment is called, and says where the price came from', () => {
    const cost = costOf({ id: 'a', provider: 'azure-openai', model: 'gpt-4o', deployment: 'team-x-prod-2', endpoint: 'https://r.openai.azure.com' }, usage);
    assert.equal(cost.costUsd, 2.5 + 10);
    assert.match(cost.note ?? '', /priced as OpenAI's gpt-4o/);
    // Azure's own entry (o3 is cheaper than it was: 2/8, not 10/40), cached input at its rate
    const o3 = costOf({ id: 'a', provider: 'azure-openai', model: 'o3', endpoint: 'https://r.openai.azure.com' }, { inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 1_000_000 });
    assert.equal(o3.costUsd, 0.5 + 8);
    assert.equal(o3.note, null);
  });

  it('prices Bedrock cross-region inference profiles by their route', () => {
    const inRegion = costOf(bedrock('anthropic.claude-sonnet-4-5-20250929-v1:0'), usage);
    const us = costOf(bedrock('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), usage);
    const eu = costOf(bedrock('eu.anthropic.claude-sonnet-4-5-20250929-v1:0'), usage);
    const global = costOf(bedrock('global.anthropic.claude-sonnet-4-5-20250929-v1:0'), usage);
    assert.equal(inRegion.costUsd, 3.3 + 16.5);
    assert.equal(us.costUsd, 3.3 + 16.5);
    assert.equal(eu.costUsd, 3.3 + 16.5);
    assert.equal(global.costUsd, 3 + 15);
    assert.match(global.note ?? '', /global cross-region rate/);
    assert.match(us.note ?? '', /us\. cross-region rate/);
    // older models have one rate on every route
    assert.equal(costOf(bedrock('eu.anthropic.claude-3-5-haiku-20241022-v1:0'), usage).costUsd, 0.8 + 4);
    // an inference-profile ARN is priced by the profile id it names
    assert.equal(costOf(bedrock('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0'), usage).costUsd, 0.8 + 3.2);
    // the versioned id is what the library matches (the old table's "openai.gpt-oss-120b" key missed it)
    assert.equal(costOf(bedrock('openai.gpt-oss-120b-1:0'), usage).costUsd, 0.15 + 0.6);
  });

  it('prices cached input tokens at the cached rate', () => {
    const cost = costOf({ id: 'o', provider: 'openai', model: 'gpt-4o' }, { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 0 });
    assert.equal(cost.costUsd, (600_000 * 2.5 + 400_000 * 1.25) / 1_000_000);
  });

  it('prices Bedrock cache writes at the write rate, not as input (both inside inputTokens)', () => {
    // Claude Sonnet 4.5 in-region: input 3.3, cache read 0.33, cache write 4.125, output 16.5 per 1M
    const cost = costOf(bedrock('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), { inputTokens: 1_000_000, cachedInputTokens: 200_000, cacheWriteTokens: 100_000, outputTokens: 10_000 });
    assert.ok(Math.abs(cost.costUsd! - (700_000 * 3.3 + 200_000 * 0.33 + 100_000 * 4.125 + 10_000 * 16.5) / 1_000_000) < 1e-12, String(cost.costUsd));
    const rate = lookupPrice(bedrock('us.anthropic.claude-sonnet-4-5-20250929-v1:0'));
    assert.ok(rate.found);
    assert.deepEqual(rate.rate, { input: 3.3, output: 16.5, cachedInput: 0.33, cacheWrite: 4.125 });
  });

  it('uses the long-prompt tier above its threshold', () => {
    const deployment: Deployment = { id: 'g', provider: 'gemini', model: 'gemini-2.5-pro' };
    assert.equal(costOf(deployment, { inputTokens: 100_000, outputTokens: 0 }).costUsd, (100_000 * 1.25) / 1_000_000);
    assert.equal(costOf(deployment, { inputTokens: 300_000, outputTokens: 0 }).costUsd, (300_000 * 2.5) / 1_000_000);
    assert.equal(costOf({ id: 'v', provider: 'vertex', model: 'gemini-2.0-flash-001', project: 'proj-12345', location: 'us-central1' }, usage).costUsd, 0.1 + 0.4);
    const rate = lookupPrice(deployment);
    assert.ok(rate.found);
    assert.deepEqual(rate.tiers, [{ above: 200_000, input: 2.5, output: 15, cachedInput: 0.25 }]);
  });

  it('takes the price in force when the answer came (the library dates some prices)', () => {
    const deployment: Deployment = { id: 'g', provider: 'gemini', model: 'gemini-3.6-flash' };
    const before = costOf(deployment, usage, new Date('2026-12-31T12:00:00Z')).costUsd;
    const after = costOf(deployment, usage, new Date('2027-01-02T12:00:00Z')).costUsd;
    assert.equal(before, library.calcPrice({ input_tokens: 1e6, output_tokens: 1e6 }, 'gemini-3.6-flash', { providerId: 'google', timestamp: new Date('2026-12-31T12:00:00Z') })!.total_price);
    assert.ok(after! > before!, `${before} then ${after}`);
  });

  it('lets a deployment override the price', () => {
    const cost = costOf({ id: 'o', provider: 'openai', model: 'gpt-4o', pricing: { inputPerMTok: 1, outputPerMTok: 2 } }, usage);
    assert.equal(cost.costUsd, 3);
    assert.match(cost.note ?? '', /"pricing"/);
    assert.equal(costOf({ id: 'l', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1', pricing: { inputPerMTok: 0, outputPerMTok: 0 } }, usage).costUsd, 0);
    const cached = costOf({ id: 'o', provider: 'openai', model: 'unknown-model', pricing: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 } }, { inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 0 });
    assert.equal(cached.costUsd, 1 + 0.25);
  });

  it('an unknown model costs null with a reason, never 0', () => {
    const unknown = costOf({ id: 'x', provider: 'openai', model: 'gpt-99' }, usage);
    assert.equal(unknown.costUsd, null);
    assert.match(unknown.note ?? '', /no price for "gpt-99" in the bundled prices \(genai-prices \d+\.\d+\.\d+, \d{4}-\d{2}-\d{2}\) — add "pricing"/);
    const local = costOf({ id: 'l', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' }, usage);
    assert.equal(local.costUsd, null);
    assert.match(local.note ?? '', /set their own prices/);
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4o' }, null).costUsd, null);
    assert.equal(lookupPrice(bedrock('application-inference-profile/abc123')).found, false);
    assert.equal(costOf(bedrock('application-inference-profile/abc123'), usage).costUsd, null);
  });

  it('usage the library refuses is no cost with the reason, never a throw', () => {
    const cost = costOf({ id: 'o', provider: 'openai', model: 'gpt-4o' }, { inputTokens: Number.NaN, outputTokens: 10 });
    assert.equal(cost.costUsd, null);
    assert.match(cost.note ?? '', /could not be priced/);
  });

  it('costs exactly what genai-prices\' calcPrice says, for every model it lists under our clouds, cache reads and writes included', () => {
    const at = new Date('2026-11-01T12:00:00Z');
    // below and above every long-prompt tier (200k, 272k); input includes the cached reads and writes
    const usages = [
      { fanout: { inputTokens: 12_000, cachedInputTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 900 },
        library: { input_tokens: 12_000, cache_read_tokens: 3_000, cache_write_tokens: 2_000, output_tokens: 900 } },
      { fanout: { inputTokens: 400_000, cachedInputTokens: 150_000, cacheWriteTokens: 50_000, outputTokens: 20_000, reasoningTokens: 5_000 },
        library: { input_tokens: 400_000, cache_read_tokens: 150_000, cache_write_tokens: 50_000, output_tokens: 20_000 } },
    ];
    const counted: Record<string, number> = {};
    let compared = 0;
    for (const [provider, kinds] of Object.entries(KINDS)) {
      const models = listedModels(library, provider);
      counted[provider] = models.length;
      for (const { model, id } of models) {
        assert.ok(id, `no id reaches ${provider}/${model.id}`);
        for (const deploymentOf of kinds) {
          const deployment = deploymentOf(id);
          for (const { fanout, library: libraryUsage } of usages) {
            const expected = library.calcPrice(libraryUsage, id, { providerId: provider, timestamp: at });
            assert.ok(expected, `${provider}/${id}`);
            const cost = costOf(deployment, fanout, at);
            assert.equal(cost.costUsd, expected.total_price, `${deployment.provider} ${deployment.model} (${model.id}): ${cost.note}`);
            const looked = lookupPrice(deployment, at);
            assert.ok(looked.found && looked.priced?.model === model.id, `${deployment.provider} ${deployment.model}`);
            compared++;
          }
        }
      }
    }
    assert.deepEqual(counted, { openai: 93, azure: 23, aws: 93, google: 56 });
    assert.equal(compared, (93 + 23 + 93 + 56 * 3) * 2);
  });
});
