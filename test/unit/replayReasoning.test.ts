/**
 * Real recorded reasoning, replayed through the SDKs (recordings and their sources: test/fixtures/recorded/SOURCES.md):
 * Claude's thinking on Bedrock comes out as the reasoning text with its signature kept for the next turn, and no
 * reasoning count claimed (Bedrock gives none, so no tokens/s is claimed either); Gemini's thinking tokens are counted
 * as reasoning inside the output. Expected values are read from the recordings here, independently of the adapters.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { ReplayServer, loadRecording } from '../emulators/replay';
import { testCredentials } from '../support/fixtures';

const RECORDED = join(__dirname, '../../../test/fixtures/recorded');

interface BedrockEvent { contentBlockDelta?: { delta: { reasoningContent?: { text?: string; signature?: string } } } }
interface GeminiChunk { candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>; usageMetadata?: { thoughtsTokenCount?: number; candidatesTokenCount?: number } }

describe('replayed reasoning, as recorded', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await new ReplayServer().start();
  });
  after(() => replay.stop());

  const run = async (deployment: Deployment) => {
    const [result] = await runFanout({ messages: [{ role: 'user', content: 'How many r in strawberry?' }], params: { maxTokens: 4096 } }, [deployment], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    return result!;
  };

  it('Bedrock (Claude thinking): the reasoning text and its signature, kept for the next turn; no reasoning count, so no tokens/s claimed', async () => {
    const recording = loadRecording(join(RECORDED, 'bedrock/claude-reasoning.chunks.txt'));
    replay.serve('claude-reasoning', recording);
    const events = recording.chunks as BedrockEvent[];
    const reasoning = events.map((event) => event.contentBlockDelta?.delta.reasoningContent?.text ?? '').join('');
    const signature = events.map((event) => event.contentBlockDelta?.delta.reasoningContent?.signature).find(Boolean);
    assert.match(reasoning, /^Let me count the r's in "strawberry"/, 'read from the recording by eye');
    const result = await run({ id: 'replay-bedrock', provider: 'bedrock', model: 'claude-reasoning', region: 'us-east-1', endpoint: replay.url });
    assert.equal(result.status, 'ok', result.error?.message);
    assert.equal(result.reasoning, reasoning);
    assert.deepEqual(result.reasoningBlocks, [{ text: reasoning, signature }]);
    assert.equal(result.metrics.reasoningTokens, null, 'Bedrock does not count reasoning');
    assert.equal(result.metrics.tokensPerSecond, null, 'the visible share of the output is unknown: no rate is claimed');
    assert.ok(result.metrics.ttfrMs !== null && result.metrics.ttftMs !== null && result.metrics.ttfrMs! <= result.metrics.ttftMs!, 'reasoning came first');
  });

  for (const file of ['text-thinking', 'function-call-thinking']) {
    it(`Gemini (${file}): thinking tokens counted as reasoning inside the output; thought text, where sent, as reasoning`, async () => {
      const recording = loadRecording(join(RECORDED, `gemini/${file}.chunks.txt`));
      replay.serve(file, recording);
      const chunks = recording.chunks as GeminiChunk[];
      const thoughts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).filter((part) => part.thought).map((part) => part.text ?? '').join('');
      const usage = chunks.map((chunk) => chunk.usageMetadata).filter(Boolean).at(-1)!;
      assert.ok(usage.thoughtsTokenCount, 'the recording counts thoughts');
      const result = await run({ id: 'replay-gemini', provider: 'gemini', model: file, baseUrl: replay.url });
      assert.equal(result.status, 'ok', result.error?.message);
      assert.equal(result.metrics.reasoningTokens, usage.thoughtsTokenCount);
      assert.equal(result.metrics.outputTokens, (usage.candidatesTokenCount ?? 0) + usage.thoughtsTokenCount!);
      assert.equal(result.reasoning, thoughts === '' ? null : thoughts);
      // tokens/s counts visible output only: the thinking tokens are taken out, over the time after the first visible token
      const visible = result.metrics.outputTokens! - usage.thoughtsTokenCount!;
      const generationMs = result.metrics.ttftMs === null ? 0 : result.metrics.totalMs! - result.metrics.ttftMs;
      assert.equal(result.metrics.tokensPerSecond, visible > 0 && generationMs > 0 ? Math.round((visible / (generationMs / 1000)) * 10) / 10 : null);
    });
  }
});
