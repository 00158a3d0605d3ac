/** Each cloud's pure mapping files, table by table: request → the cloud's body, its finish reasons and its usage → Fanout's. */
import * as assert from 'node:assert/strict';
import type { ChatRequest } from '../../src/core/request/stream';
import { convertRequest as bedrockRequest } from '../../src/providers/bedrock/convertRequest';
import { mapFinishReason as bedrockFinish } from '../../src/providers/bedrock/finishReason';
import { mapUsage as bedrockUsage } from '../../src/providers/bedrock/usage';
import { convertRequest as googleRequest } from '../../src/providers/google/convertRequest';
import { mapFinishReason as googleFinish } from '../../src/providers/google/finishReason';
import { mapUsage as googleUsage } from '../../src/providers/google/usage';
import { convertRequest as openaiRequest } from '../../src/providers/openai/convertRequest';
import { mapFinishReason as openaiFinish } from '../../src/providers/openai/finishReason';
import { mapUsage as openaiUsage } from '../../src/providers/openai/usage';

const dialect = (maxTokensField: 'max_tokens' | 'max_completion_tokens') => ({ maxTokensField, jsonSchema: 'yes' as const, service: 'OpenAI' });

const request: ChatRequest = {
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Again' }],
  params: { temperature: 0.2, maxTokens: 64, topP: 0.9 },
};

describe('provider mapping (pure)', () => {
  it('requests: each cloud\'s own field names, the system prompt where the cloud wants it, unset parameters absent', () => {
    assert.deepEqual(openaiRequest('gpt-4o', request, dialect('max_completion_tokens')).body, {
      model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, temperature: 0.2, top_p: 0.9, max_completion_tokens: 64,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Again' }],
    });
    assert.equal(openaiRequest('llama', { ...request, params: { maxTokens: 5 } }, dialect('max_tokens')).body.max_tokens, 5);
    assert.deepEqual(bedrockRequest('us.anthropic.claude', request).input, {
      modelId: 'us.anthropic.claude', system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 64, temperature: 0.2, topP: 0.9 },
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }, { role: 'assistant', content: [{ text: 'Hello.' }] }, { role: 'user', content: [{ text: 'Again' }] }],
    });
    const signal = new AbortController().signal;
    assert.deepEqual(googleRequest(request, signal), {
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }, { role: 'model', parts: [{ text: 'Hello.' }] }, { role: 'user', parts: [{ text: 'Again' }] }],
      config: { abortSignal: signal, systemInstruction: 'Be brief.', temperature: 0.2, topP: 0.9, maxOutputTokens: 64 },
      warnings: [], structuredOutput: null,
    });
    for (const body of [openaiRequest('m', { messages: request.messages, params: {} }, dialect('max_tokens')).body, bedrockRequest('m', { messages: request.messages, params: {} }).input.inferenceConfig, googleRequest({ messages: request.messages, params: {} }, signal).config]) {
      for (const field of ['temperature', 'top_p', 'topP', 'max_tokens', 'maxTokens', 'maxOutputTokens']) assert.ok(!(field in (body as object)), field);
    }
  });

  it('finish reasons', () => {
    const table: Array<[(reason: string) => string, string, string]> = [
      [openaiFinish, 'stop', 'stop'], [openaiFinish, 'length', 'length'], [openaiFinish, 'content_filter', 'content_filter'],
      [openaiFinish, 'tool_calls', 'tool_calls'], [openaiFinish, 'function_call', 'tool_calls'], [openaiFinish, 'something_new', 'other'],
      [bedrockFinish, 'end_turn', 'stop'], [bedrockFinish, 'stop_sequence', 'stop'], [bedrockFinish, 'max_tokens', 'length'],
      [bedrockFinish, 'model_context_window_exceeded', 'length'], [bedrockFinish, 'guardrail_intervened', 'content_filter'],
      [bedrockFinish, 'content_filtered', 'content_filter'], [bedrockFinish, 'tool_use', 'tool_calls'], [bedrockFinish, 'malformed_tool_use', 'other'],
      [googleFinish, 'STOP', 'stop'], [googleFinish, 'MAX_TOKENS', 'length'], [googleFinish, 'SAFETY', 'content_filter'],
      [googleFinish, 'RECITATION', 'content_filter'], [googleFinish, 'MALFORMED_FUNCTION_CALL', 'tool_calls'], [googleFinish, 'LANGUAGE', 'other'],
    ];
    for (const [map, raw, expected] of table) assert.equal(map(raw), expected, raw);
    assert.equal(bedrockFinish(undefined), 'other');
  });

  it('usage: input includes cached reads and writes, output includes thinking, the cached part named', () => {
    assert.deepEqual(openaiUsage({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60 } }), { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60 });
    assert.deepEqual(openaiUsage({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }), { inputTokens: 10, outputTokens: 2 });
    // xAI counts reasoning outside completion_tokens (a recorded answer: 291 prompt + 26 completion + 196 reasoning = 513)
    assert.deepEqual(openaiUsage({ prompt_tokens: 291, completion_tokens: 26, total_tokens: 513 }), { inputTokens: 291, outputTokens: 222 });
    assert.deepEqual(bedrockUsage({ inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 300, cacheWriteInputTokens: 40 }), { inputTokens: 350, outputTokens: 5, cachedInputTokens: 300 });
    assert.deepEqual(googleUsage({ promptTokenCount: 12, candidatesTokenCount: 21, thoughtsTokenCount: 185, cachedContentTokenCount: 4 }), { inputTokens: 12, outputTokens: 206, cachedInputTokens: 4 });
  });
});
