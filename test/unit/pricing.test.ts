/** Cost from usage and the dated price table: routes, base models, cache, tiers, overrides, and never a made-up 0. */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, costOf, lookupPrice } from '../../src/core/results/pricing';

const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
const bedrock = (model: string): Deployment => ({ id: 'b', provider: 'bedrock', model, region: 'us-east-1' });

describe('pricing', () => {
  it('is dated and names its source', () => {
    assert.match(PRICE_TABLE_DATE, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(PRICE_TABLE_SOURCE, /genai-prices/);
  });

  it('prices OpenAI models, with dated snapshots falling back to the base model', () => {
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4o-mini' }, usage).costUsd, 0.15 + 0.6);
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4.1-2025-04-14' }, usage).costUsd, 2 + 8);
  });

  it('prices Azure by the base model, whatever the deployment is called', () => {
    const cost = costOf({ id: 'a', provider: 'azure-openai', model: 'gpt-4o', deployment: 'team-x-prod-2', endpoint: 'https://r.openai.azure.com' }, usage);
    assert.equal(cost.costUsd, 2.5 + 10);
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
  });

  it('prices cached input tokens at the cached rate', () => {
    const cost = costOf({ id: 'o', provider: 'openai', model: 'gpt-4o' }, { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 0 });
    assert.equal(cost.costUsd, (600_000 * 2.5 + 400_000 * 1.25) / 1_000_000);
  });

  it('uses the long-prompt tier above its threshold', () => {
    const deployment: Deployment = { id: 'g', provider: 'gemini', model: 'gemini-2.5-pro' };
    assert.equal(costOf(deployment, { inputTokens: 100_000, outputTokens: 0 }).costUsd, (100_000 * 1.25) / 1_000_000);
    assert.equal(costOf(deployment, { inputTokens: 300_000, outputTokens: 0 }).costUsd, (300_000 * 2.5) / 1_000_000);
    assert.equal(costOf({ id: 'v', provider: 'vertex', model: 'gemini-2.0-flash-001', project: 'proj-12345', location: 'us-central1' }, usage).costUsd, 0.1 + 0.4);
  });

  it('lets a deployment override the table', () => {
    const cost = costOf({ id: 'o', provider: 'openai', model: 'gpt-4o', pricing: { inputPerMTok: 1, outputPerMTok: 2 } }, usage);
    assert.equal(cost.costUsd, 3);
    assert.match(cost.note ?? '', /"pricing"/);
    assert.equal(costOf({ id: 'l', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1', pricing: { inputPerMTok: 0, outputPerMTok: 0 } }, usage).costUsd, 0);
  });

  it('an unknown model costs null with a reason, never 0', () => {
    const unknown = costOf({ id: 'x', provider: 'openai', model: 'gpt-99' }, usage);
    assert.equal(unknown.costUsd, null);
    assert.match(unknown.note ?? '', /no price for "gpt-99" in the bundled table \(\d{4}-\d{2}-\d{2}\) — add "pricing"/);
    const local = costOf({ id: 'l', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' }, usage);
    assert.equal(local.costUsd, null);
    assert.match(local.note ?? '', /set their own prices/);
    assert.equal(costOf({ id: 'o', provider: 'openai', model: 'gpt-4o' }, null).costUsd, null);
    assert.equal(lookupPrice(bedrock('application-inference-profile/abc123')).found, false);
  });
});
