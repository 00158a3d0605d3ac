/**
 * Reasoning on every cloud, through the SDKs against the emulators: each cloud's own control (reasoning_effort,
 * Claude's thinking budget, gpt-oss's effort, Gemini's budget or level), what a model refuses with reasoning on said
 * as a warning and not sent, reasoning shown where the cloud streams it, counted where it counts it, tokens/s over
 * visible output only, Bedrock's signature sent back unchanged, and an answer that only reasoned said as such.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import type { ChatRequest } from '../../src/core/request/chatRequest';
import { runFanout, type DeploymentResult } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { KEYS, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

const ask = (reasoning: ChatRequest['reasoning'], extra: Partial<ChatRequest> = {}): ChatRequest => ({ messages: [{ role: 'user', content: 'Why is the sky blue?' }], params: {}, ...(reasoning ? { reasoning } : {}), ...extra });

describe('reasoning on every cloud', () => {
  let emulators: Emulators;
  let d: ReturnType<typeof deploymentsFor>;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => {
    emulators.reset();
    d = deploymentsFor(emulators);
  });
  const credentials = testCredentials({ 'local-llama': { type: 'api-key', key: KEYS.openai, source: 'test' } });
  const run = async (request: ChatRequest, deployments: Deployment[]): Promise<Record<string, DeploymentResult>> =>
    Object.fromEntries((await runFanout(request, deployments, { loadAdapter, credentials, retry: { maxRetries: 0 } })).map((result) => [result.deployment, result]));
  const body = (emulator: { server: { requests: Array<{ path: string; body: string }> } }, path: RegExp) => JSON.parse(emulator.server.requests.filter((request) => path.test(request.path)).at(-1)!.body);
  const claude = () => ({ ...d.bedrock, id: 'claude-4-5', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' });
  const gptOss = () => ({ ...d.bedrock, id: 'gpt-oss', model: 'openai.gpt-oss-120b-1:0' });
  const gemini3 = () => ({ ...d.gemini, id: 'gemini-3', model: 'gemini-3-pro-preview' });
  const gemini25 = () => ({ ...d.vertex, id: 'gemini-2-5' });

  it('effort "high" in each cloud\'s words; reasoning shown where the cloud streams it, counted where it counts it', async () => {
    const gpt5 = { ...d.openai, id: 'gpt-5', model: 'gpt-5-mini' };
    const azureO4 = { ...d.azure, id: 'azure-o4', model: 'o4-mini' };
    const results = await run(ask({ effort: 'high' }), [gpt5, azureO4, claude(), gptOss(), gemini25(), gemini3()]);
    for (const result of Object.values(results)) assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
    assert.equal(body(emulators.openai, /^\/v1\//).reasoning_effort, 'high');
    assert.equal(body(emulators.openai, /deployments/).reasoning_effort, 'high');
    const bedrockBodies = emulators.bedrock.server.requests.map((request) => JSON.parse(request.body));
    assert.deepEqual(bedrockBodies.find((b) => b.modelId === undefined && b.additionalModelRequestFields?.thinking)?.additionalModelRequestFields ?? bedrockBodies.map((b) => b.additionalModelRequestFields).find((f) => f?.thinking), { thinking: { type: 'enabled', budget_tokens: 16384 } });
    assert.ok(bedrockBodies.some((b) => b.additionalModelRequestFields?.reasoning_effort === 'high'), 'gpt-oss takes an effort');
    assert.deepEqual(body(emulators.google, /publishers/).generationConfig.thinkingConfig, { thinkingBudget: 16384, includeThoughts: true });
    assert.deepEqual(body(emulators.google, /gemini-3/).generationConfig.thinkingConfig, { thinkingLevel: 'HIGH', includeThoughts: true });
    // OpenAI counts reasoning (inside completion_tokens) but shows none
    assert.equal(results['gpt-5']!.metrics.reasoningTokens, 512);
    assert.equal(results['gpt-5']!.reasoning, null);
    assert.equal(results['azure-o4']!.metrics.reasoningTokens, 512);
    // Claude shows its thinking and Bedrock counts none: no count, and no tokens/s claimed
    assert.match(results['claude-4-5']!.reasoning ?? '', /Thinking about the question/);
    assert.equal(results['claude-4-5']!.metrics.reasoningTokens, null);
    assert.equal(results['claude-4-5']!.metrics.tokensPerSecond, null);
    assert.ok(results['claude-4-5']!.reasoningBlocks[0]?.signature?.startsWith('sig_'));
    // Gemini shows thought summaries and counts thoughts
    assert.match(results['gemini-2-5']!.reasoning ?? '', /Thinking about the question/);
    assert.equal(results['gemini-2-5']!.metrics.reasoningTokens, 5461, 'a third of the 16384 budget');
    for (const id of ['gpt-5', 'gemini-2-5']) {
      const { metrics } = results[id]!;
      assert.equal(metrics.outputTokens! - metrics.reasoningTokens! > 0, true);
      assert.ok(metrics.ttftMs !== null, id);
    }
    assert.ok(results['gemini-2-5']!.metrics.ttfrMs! <= results['gemini-2-5']!.metrics.ttftMs!, 'reasoning arrives before the first visible token');
  });

  it('what a model refuses with reasoning on is said as a warning and not sent — the emulators would answer 400 otherwise', async () => {
    const gpt5 = { ...d.openai, id: 'gpt-5', model: 'gpt-5-mini' };
    const results = await run(ask({ budgetTokens: 3000 }, { params: { temperature: 0.3, maxTokens: 1000 } }), [gpt5, d.openai, claude(), { ...d.gemini, model: 'gemini-2.0-flash' }, gemini3(), { ...d.bedrock, id: 'nova', model: 'amazon.nova-pro-v1:0' }]);
    for (const result of Object.values(results)) assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
    const gpt5Body = body(emulators.openai, /^\/v1\//);
    assert.equal(gpt5Body.temperature, undefined);
    assert.equal(gpt5Body.reasoning_effort, 'low');
    assert.deepEqual(results['gpt-5']!.warnings, [
      'OpenAI takes a reasoning effort, not a budget: 3000 tokens was sent as reasoning_effort "low"',
      'gpt-5-mini is a reasoning model and takes no temperature or top-p: they were not sent',
    ]);
    assert.deepEqual(results['claude-4-5']!.warnings, [
      'Claude counts thinking inside max tokens, which must exceed the 3000-token budget: max tokens sent as 4000',
      'Claude takes no temperature or top-p with thinking on: they were not sent',
    ]);
    assert.match(results['gemini-flash']!.warnings[0] ?? '', /gemini-2\.0-flash does not think: sent without a reasoning setting/);
    // OpenAI's own gpt-4o-mini does not reason: reasoning_effort would be a 400, so it is not sent
    assert.deepEqual(results['openai-mini']!.warnings, ['gpt-4o-mini does not reason: sent without a reasoning setting']);
    const mini = emulators.openai.server.requests.map((request) => JSON.parse(request.body)).find((sent) => sent.model === 'gpt-4o-mini');
    assert.equal(mini.reasoning_effort, undefined);
    assert.match(results['gemini-3']!.warnings[0] ?? '', /Gemini 3 takes a thinking level \(low or high\): sent "low"/);
    assert.match(results['nova']!.warnings[0] ?? '', /amazon\.nova-pro-v1:0 takes no reasoning setting on Bedrock: sent without one/);
  });

  it('Bedrock: the next turn sends the thinking back with its signature unchanged', async () => {
    const first = (await run(ask({ effort: 'low' }), [claude()]))['claude-4-5']!;
    const block = first.reasoningBlocks[0]!;
    const second = (await run(ask({ effort: 'low' }, {
      messages: [{ role: 'user', content: 'Why is the sky blue?' }, { role: 'assistant', content: [{ type: 'reasoning', text: block.text, signature: block.signature! }, { type: 'text', text: first.text }] }, { role: 'user', content: 'And at sunset?' }],
    }), [claude()]))['claude-4-5']!;
    assert.equal(second.status, 'ok', JSON.stringify(second.error));
    const sent = body(emulators.bedrock, /converse-stream/).messages[1].content[0];
    assert.deepEqual(sent, { reasoningContent: { reasoningText: { text: block.text, signature: block.signature } } });
  });

  it('an answer that spent its whole budget reasoning says exactly that, in its column; the others are unaffected', async () => {
    emulators.google.behaviour.reset({ byModel: { 'gemini-2.5-flash': { reasoningOnly: true } } });
    const results = await run(ask({ effort: 'medium' }, { params: { maxTokens: 256 } }), [gemini25(), d.openai]);
    const cut = results['gemini-2-5']!;
    assert.equal(cut.finishReason, 'length');
    assert.equal(cut.text, '');
    // medium is an 8192-token budget on Gemini 2.5; the emulated model thinks a third of it, 2731 tokens
    assert.match(cut.warnings.at(-1) ?? '', /spent its whole output budget \(2731 tokens\) reasoning and wrote no visible answer: raise max tokens, or lower the reasoning effort/);
    assert.equal(results['openai-mini']!.status, 'ok');
    assert.ok(results['openai-mini']!.text.length > 0);
  });

  it('an OpenAI-compatible server that streams reasoning_content shows it, and counts it', async () => {
    const { OpenAIEmulator } = await import('../emulators/openai');
    const local = await new OpenAIEmulator({ streamsReasoning: true }).start();
    try {
      const results = await run(ask({ effort: 'low' }), [{ ...d.compatible, baseUrl: `${local.url}/v1` }]);
      const result = results['local-llama']!;
      assert.equal(result.status, 'ok', JSON.stringify(result.error));
      assert.match(result.reasoning ?? '', /Thinking about the question/);
      assert.equal(result.metrics.reasoningTokens, 64);
    } finally {
      await local.stop();
    }
  });
});
