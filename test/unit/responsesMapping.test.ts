/** The Responses API's pure mapping files, table by table: request → body, usage, and how a response ended. */
import * as assert from 'node:assert/strict';
import type { ResponseUsage } from 'openai/resources/responses/responses';
import { parseDeployments } from '../../src/core/config/deployment';
import type { ChatMessage, ChatRequest } from '../../src/core/request/chatRequest';
import { convertResponsesRequest, inputItemsOf } from '../../src/providers/openai/convertResponsesRequest';
import { effortOfBudget } from '../../src/providers/reasoningBudget';
import { mapResponsesFinish } from '../../src/providers/openai/responsesFinish';
import { mapResponsesUsage } from '../../src/providers/openai/responsesUsage';
import { descriptorOf } from '../../src/providers/registry';

const BASE: ChatRequest = { messages: [{ role: 'user', content: 'Hi' }], params: {} };
const OPENAI = { jsonSchema: 'yes', service: 'OpenAI' } as const;
const AZURE = { jsonSchema: 'strict-only', service: 'Azure OpenAI' } as const;
const STRICT = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
const LOOSE = { type: 'object', properties: { a: { type: 'string' } } };

describe('Responses API mapping (pure)', () => {
  it('messages → input items, in the order their parts came', () => {
    const cases: Array<[string, ChatMessage, unknown[]]> = [
      ['user text', { role: 'user', content: 'Hi' }, [{ role: 'user', content: 'Hi' }]],
      ['user text and image', { role: 'user', content: [{ type: 'text', text: 'See' }, { type: 'image', mediaType: 'image/jpeg', data: 'AAAA' }] },
        [{ role: 'user', content: [{ type: 'input_text', text: 'See' }, { type: 'input_image', detail: 'auto', image_url: 'data:image/jpeg;base64,AAAA' }] }]],
      ['assistant text', { role: 'assistant', content: 'Hello' }, [{ role: 'assistant', content: 'Hello' }]],
      ['assistant reasoning, text and two calls (reasoning left out)', { role: 'assistant', content: [
        { type: 'reasoning', text: 'thinking', signature: 'sig' }, { type: 'text', text: 'Two lookups.' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: { x: 1 } }, { type: 'tool-call', id: 'call_2', name: 'g', arguments: {} },
      ] }, [
        { role: 'assistant', content: 'Two lookups.' },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"x":1}' },
        { type: 'function_call', call_id: 'call_2', name: 'g', arguments: '{}' },
      ]],
      ['assistant: only a call', { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: {} }] }, [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }]],
      ['tool results', { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'f', content: '42' }, { type: 'tool-result', toolCallId: 'call_2', name: 'g', content: 'no', isError: true }] },
        [{ type: 'function_call_output', call_id: 'call_1', output: '42' }, { type: 'function_call_output', call_id: 'call_2', output: 'no' }]],
    ];
    for (const [name, message, items] of cases) assert.deepEqual(inputItemsOf(message), items, name);
  });

  it('the body: instructions, limits, tools strict where their schema allows, tool choice, format, reasoning — and what was not sent, said', () => {
    type Row = [string, ChatRequest, (typeof OPENAI | typeof AZURE), Record<string, unknown>, string[], string | null];
    const rows: Row[] = [
      ['system, temperature, top_p, max tokens', { ...BASE, system: 'Be brief.', params: { temperature: 0.5, topP: 0.9, maxTokens: 100 } }, OPENAI,
        { instructions: 'Be brief.', temperature: 0.5, top_p: 0.9, max_output_tokens: 100 }, [], null],
      ['tools: strict when ready, not when loose; a named choice', { ...BASE, tools: [{ name: 'f', parameters: STRICT }, { name: 'g', description: 'G', parameters: LOOSE }], toolChoice: { name: 'g' } }, OPENAI,
        { tools: [{ type: 'function', name: 'f', parameters: STRICT, strict: true }, { type: 'function', name: 'g', description: 'G', parameters: LOOSE, strict: false }], tool_choice: { type: 'function', name: 'g' } }, [], null],
      ['a tool choice with no tools', { ...BASE, toolChoice: 'required' }, OPENAI, { tools: undefined, tool_choice: undefined }, ['toolChoice'], null],
      ['strict schema', { ...BASE, responseFormat: { name: 's', schema: STRICT } }, OPENAI, { text: { format: { type: 'json_schema', name: 's', schema: STRICT, strict: true } } }, [], 'native'],
      ['strict: false asked', { ...BASE, responseFormat: { name: 's', schema: STRICT, strict: false } }, OPENAI, { text: { format: { type: 'json_schema', name: 's', schema: STRICT, strict: false } } }, [], 'native'],
      ['loose schema on OpenAI: strict false, said', { ...BASE, responseFormat: { name: 'l', schema: LOOSE } }, OPENAI, { text: { format: { type: 'json_schema', name: 'l', schema: LOOSE, strict: false } } }, ['responseFormat'], 'native'],
      ['loose schema on Azure: an instruction, said', { ...BASE, responseFormat: { name: 'l', schema: LOOSE } }, AZURE, { text: undefined }, ['responseFormat'], 'instruction'],
      ['JSON mode', { ...BASE, system: 'Answer in JSON.', responseFormat: 'json' }, OPENAI, { text: { format: { type: 'json_object' } }, instructions: 'Answer in JSON.' }, [], 'native'],
      ['effort', { ...BASE, reasoning: { effort: 'low' } }, OPENAI, { reasoning: { effort: 'low', summary: 'auto' } }, [], null],
      ['effort with sampling settings: left out, said', { ...BASE, params: { temperature: 1, topP: 0.5 }, reasoning: { effort: 'high' } }, OPENAI,
        { reasoning: { effort: 'high', summary: 'auto' }, temperature: undefined, top_p: undefined }, ['temperature', 'topP'], null],
      ['a budget: the nearest effort, said', { ...BASE, reasoning: { budgetTokens: 6000 } }, OPENAI, { reasoning: { effort: 'medium', summary: 'auto' } }, ['reasoning'], null],
    ];
    for (const [name, request, dialect, expected, warned, mode] of rows) {
      const converted = convertResponsesRequest('m', request, dialect);
      const body = converted.body as unknown as Record<string, unknown>;
      assert.equal(body.model, 'm', name);
      assert.equal(body.stream, true, name);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${name}: ${key}`);
      assert.deepEqual(converted.warnings.map((warning) => warning.feature), warned, name);
      assert.equal(converted.structuredOutput, mode, name);
    }
    const jsonUnsaid = convertResponsesRequest('m', { ...BASE, responseFormat: 'json' }, OPENAI).body;
    assert.match(jsonUnsaid.instructions ?? '', /JSON/, 'json_object needs the word JSON in the input');
    // one table between budgets and efforts for every cloud that takes only an effort
    assert.deepEqual([100, 1024, 1025, 4096, 4097, 12288, 12289].map(effortOfBudget), ['minimal', 'minimal', 'low', 'low', 'medium', 'medium', 'high']);
  });

  it('usage: input includes cached, output includes reasoning, both named', () => {
    const usage = (input: number, cached: number, output: number, reasoning: number | null, written = 0): ResponseUsage => ({
      input_tokens: input, input_tokens_details: { cached_tokens: cached, cache_write_tokens: written }, output_tokens: output,
      output_tokens_details: (reasoning === null ? undefined : { reasoning_tokens: reasoning }) as ResponseUsage['output_tokens_details'], total_tokens: input + output,
    });
    const rows: Array<[ResponseUsage, object]> = [
      [usage(19, 0, 105, 44), { inputTokens: 19, outputTokens: 105, reasoningTokens: 44 }],
      [usage(7112, 3072, 463, 64), { inputTokens: 7112, outputTokens: 463, cachedInputTokens: 3072, reasoningTokens: 64 }],
      [usage(444, 0, 12, 0), { inputTokens: 444, outputTokens: 12, reasoningTokens: 0 }],
      [usage(10, 0, 5, null), { inputTokens: 10, outputTokens: 5 }],
      [usage(2000, 0, 5, 0, 1500), { inputTokens: 2000, outputTokens: 5, cacheWriteTokens: 1500, reasoningTokens: 0 }],
    ];
    for (const [raw, expected] of rows) assert.deepEqual(mapResponsesUsage(raw), expected);
  });

  it('how a response ended: status and incomplete reason → finish reason, the raw value kept', () => {
    const rows: Array<[Parameters<typeof mapResponsesFinish>[0], object]> = [
      [{ status: 'completed', madeToolCalls: false }, { reason: 'stop', rawReason: 'completed' }],
      [{ status: 'completed', madeToolCalls: true }, { reason: 'tool_calls', rawReason: 'completed' }],
      [{ status: 'incomplete', incompleteReason: 'max_output_tokens', madeToolCalls: false }, { reason: 'length', rawReason: 'max_output_tokens' }],
      [{ status: 'incomplete', incompleteReason: 'content_filter', madeToolCalls: false }, { reason: 'content_filter', rawReason: 'content_filter' }],
      [{ status: 'incomplete', incompleteReason: null, madeToolCalls: false }, { reason: 'other', rawReason: 'unknown' }],
      [{ status: 'cancelled', madeToolCalls: false }, { reason: 'other', rawReason: 'cancelled' }],
    ];
    for (const [end, expected] of rows) assert.deepEqual(mapResponsesFinish(end), expected, JSON.stringify(end));
  });

  it('the api field: chat or responses on openai and azure-openai, offered by Add Deployment, refused elsewhere', () => {
    const parsed = parseDeployments([
      { id: 'a', provider: 'openai', model: 'gpt-5-codex', api: 'responses' },
      { id: 'b', provider: 'azure-openai', model: 'gpt-5', endpoint: 'https://x.openai.azure.com', api: 'chat' },
    ]);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const wrong = parseDeployments([{ id: 'c', provider: 'openai', model: 'm', api: 'completions' }]);
    assert.ok(!wrong.ok && wrong.issues.some((issue) => issue.path.endsWith('.api') && /must be "chat" or "responses"/.test(issue.message)), JSON.stringify(wrong));
    assert.ok(!parseDeployments([{ id: 'd', provider: 'openai-compatible', model: 'm', baseUrl: 'http://localhost:1/v1', api: 'responses' }]).ok);
    for (const kind of ['openai', 'azure-openai'] as const) {
      const step = descriptorOf(kind).setup.find((candidate) => candidate.field === 'api');
      assert.ok(step?.kind === 'pick', kind);
      assert.deepEqual(step.options.map((option) => (typeof option === 'string' ? option : option.label)), ['Chat Completions', 'Responses']);
    }
  });
});
