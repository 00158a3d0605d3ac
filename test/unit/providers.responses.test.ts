/**
 * The Responses API (`api: "responses"`) on openai and azure-openai, through the official `openai` SDK's
 * `client.responses.create` against the loopback emulator (test/emulators/responses.ts): text, reasoning summaries and
 * reasoning tokens, function calls and a conversation that sends their results back, structured output checked by the
 * engine, Azure's v1 endpoint with a key and with an Entra token, and the faults.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout } from '../../src/core/engine/fanout';
import type { ChatRequest, StreamPart } from '../../src/core/request/stream';
import { loadAdapter } from '../../src/providers/registry';
import { PROMPT, collect, deploymentsFor, errorOf, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

const WEATHER = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } };
const ANSWER_SCHEMA = { name: 'answer', schema: { type: 'object', properties: { city: { type: 'string' }, degrees: { type: 'integer', minimum: 3 } }, required: ['city', 'degrees'], additionalProperties: false } };

describe('provider: openai and azure-openai with api: responses (official SDK, Responses API events)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());
  const openai = () => ({ ...deploymentsFor(emulators).openai, api: 'responses' as const });
  const azure = () => ({ ...deploymentsFor(emulators).azure, api: 'responses' as const });
  const bodyOf = (index = 0) => JSON.parse(emulators.openai.server.requests[index]!.body);
  const ofType = <T extends StreamPart['type']>(parts: StreamPart[], type: T) => parts.filter((part): part is Extract<StreamPart, { type: T }> => part.type === type);

  it('streams text, usage with cached tokens, the finish and the response id; sends what the API expects', async () => {
    emulators.openai.behaviour.next({ tokens: 5, cachedInputTokens: 2 });
    const result = await collect(openai());
    assert.equal(result.errors.length, 0);
    assert.equal(result.text, '[gpt-4o-mini] Fanout streams one prompt');
    assert.deepEqual(ofType(result.parts, 'usage'), [{ type: 'usage', usage: { inputTokens: 9, outputTokens: 5, cachedInputTokens: 2, reasoningTokens: 0 } }]);
    const finish = result.parts.at(-1);
    assert.ok(finish?.type === 'finish');
    assert.deepEqual([finish.reason, finish.rawReason, finish.model], ['stop', 'completed', 'gpt-4o-mini']);
    assert.match(finish.requestId ?? '', /^req_[0-9a-f]{32}$/);
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/v1/responses');
    assert.equal(request?.headers.authorization, 'Bearer test-openai-key-0001');
    const body = bodyOf();
    assert.deepEqual(
      { model: body.model, instructions: body.instructions, input: body.input, stream: body.stream, store: body.store, max_output_tokens: body.max_output_tokens, temperature: body.temperature },
      { model: 'gpt-4o-mini', instructions: 'Be brief.', input: [{ role: 'user', content: 'Say hello to every cloud.' }], stream: true, store: false, max_output_tokens: 64, temperature: 0.2 },
    );
    assert.equal(body.reasoning, undefined);
  });

  it('reasoning: {effort, summary: auto} sent, the summary streamed as reasoning, reasoning tokens inside the output; temperature left out and said', async () => {
    emulators.openai.behaviour.next({ tokens: 4 });
    const result = await collect(openai(), { request: { ...PROMPT, reasoning: { effort: 'medium' } } });
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.deepEqual(bodyOf().reasoning, { effort: 'medium', summary: 'auto' });
    assert.equal(bodyOf().temperature, undefined);
    assert.deepEqual(ofType(result.parts, 'warning').map((part) => part.feature), ['temperature']);
    const reasoning = ofType(result.parts, 'reasoning-delta').map((part) => part.text).join('');
    assert.equal(reasoning, '**Reading the request**\n\nThe user asks for an answer at medium effort.\n\n**Answering**\n\nI will answer briefly.');
    assert.equal(ofType(result.parts, 'reasoning-end').length, 1);
    const types = result.parts.map((part) => part.type);
    assert.ok(types.lastIndexOf('reasoning-delta') < types.indexOf('text-delta'), 'reasoning comes before the answer');
    assert.deepEqual(ofType(result.parts, 'usage')[0]?.usage, { inputTokens: 9, outputTokens: 4 + 64, reasoningTokens: 64 });

    // through the engine: reasoning text and tokens in the result, tokens/s over the visible output only
    emulators.openai.behaviour.next({ tokens: 4 });
    const [run] = await runFanout({ ...PROMPT, reasoning: { budgetTokens: 20_000 } }, [openai()], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(run!.status, 'ok', run!.error?.message);
    assert.deepEqual(bodyOf(1).reasoning, { effort: 'high', summary: 'auto' });
    assert.ok(run!.warnings.some((warning) => /takes a reasoning effort, not a budget: 20000 tokens was sent as reasoning_effort "high"/.test(warning)), run!.warnings.join('; '));
    assert.match(run!.reasoning ?? '', /^\*\*Reading the request\*\*/);
    assert.deepEqual([run!.metrics.outputTokens, run!.metrics.reasoningTokens], [4 + 192, 192]);
  });

  it('a function call: announced with call_id and name, arguments in fragments, whole at the end; finish tool_calls', async () => {
    const result = await collect(openai(), { request: { ...PROMPT, tools: [WEATHER], toolChoice: 'required' } });
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    const body = bodyOf();
    assert.deepEqual(body.tools, [{ type: 'function', name: 'get_weather', description: 'The weather in a city', parameters: WEATHER.parameters, strict: true }]);
    assert.equal(body.tool_choice, 'required');
    const deltas = ofType(result.parts, 'tool-call-delta');
    assert.ok(deltas.length > 1);
    assert.equal(deltas[0]?.name, 'get_weather');
    const [call] = ofType(result.parts, 'tool-call');
    assert.match(call?.id ?? '', /^call_[0-9a-f]{24}$/);
    assert.ok(deltas.every((delta) => delta.id === call?.id), 'every fragment carries the call_id');
    assert.deepEqual(call?.arguments, { city: 'Paris' });
    assert.deepEqual(deltas.map((delta) => delta.argumentsDelta).join(''), '{"city":"Paris"}');
    const finish = result.parts.at(-1);
    assert.ok(finish?.type === 'finish');
    assert.deepEqual([finish.reason, finish.rawReason], ['tool_calls', 'completed']);
  });

  it('a two-turn tool conversation: the call goes back as a function_call item, the result as function_call_output, same call_id', async () => {
    const first = await collect(openai(), { request: { ...PROMPT, tools: [WEATHER] } });
    const [call] = ofType(first.parts, 'tool-call');
    assert.ok(call);
    const second: ChatRequest = {
      ...PROMPT,
      tools: [WEATHER],
      messages: [
        ...PROMPT.messages,
        { role: 'assistant', content: [{ type: 'text', text: 'Looking it up.' }, { type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.id, name: call.name, content: '18 °C and sunny' }] },
      ],
    };
    const result = await collect(openai(), { request: second });
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.deepEqual(bodyOf(1).input, [
      { role: 'user', content: 'Say hello to every cloud.' },
      { role: 'assistant', content: 'Looking it up.' },
      { type: 'function_call', call_id: call.id, name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: call.id, output: '18 °C and sunny' },
    ]);
    assert.equal(result.text, '[gpt-4o-mini] The get_weather tool says: 18 °C and sunny');
    assert.equal(ofType(result.parts, 'tool-call').length, 0);
    assert.equal((result.parts.at(-1) as { reason: string }).reason, 'stop');
  });

  it('an image goes as an input_image data URL beside the text', async () => {
    const request: ChatRequest = { ...PROMPT, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' }] }] };
    const result = await collect(openai(), { request });
    assert.equal(result.errors.length, 0);
    assert.deepEqual(bodyOf().input, [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', detail: 'auto', image_url: 'data:image/png;base64,iVBORw0KGgo=' }] }]);
  });

  it('structured output through text.format: native json_schema, strict; the engine parses and validates the answer', async () => {
    const request: ChatRequest = { ...PROMPT, responseFormat: { ...ANSWER_SCHEMA, strict: true } };
    const [valid] = await runFanout(request, [openai()], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(valid!.status, 'ok', valid!.error?.message);
    assert.deepEqual(bodyOf().text, { format: { type: 'json_schema', name: 'answer', schema: ANSWER_SCHEMA.schema, strict: true } });
    assert.equal(valid!.structuredOutput, 'native');
    assert.deepEqual(valid!.json, { city: 'Paris', degrees: 3 });
    assert.equal(valid!.schemaValid, true);

    emulators.openai.behaviour.next({ jsonInvalid: true });
    const [invalid] = await runFanout(request, [openai()], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(invalid!.schemaValid, false);
    assert.ok(invalid!.schemaErrors.some((error) => /city/.test(error)), invalid!.schemaErrors.join('; '));

    // a schema strict mode would refuse goes with strict: false (the emulator refuses it strict, as the API does), and says so
    const loose: ChatRequest = { ...PROMPT, responseFormat: { name: 'loose', schema: { type: 'object', properties: { note: { type: 'string' } } } } };
    const [sent] = await runFanout(loose, [openai()], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(sent!.status, 'ok', sent!.error?.message);
    assert.equal(bodyOf(2).text.format.strict, false);
    assert.ok(sent!.warnings.some((warning) => /not strict-mode ready/.test(warning)));

    // JSON mode: json_object, and the word "JSON" said where the input never says it
    const [json] = await runFanout({ ...PROMPT, responseFormat: 'json' }, [openai()], { loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 } });
    assert.equal(json!.status, 'ok', json!.error?.message);
    assert.deepEqual(bodyOf(3).text, { format: { type: 'json_object' } });
    assert.match(bodyOf(3).instructions, /JSON/);
    assert.deepEqual(json!.json, { answer: '[gpt-4o-mini] Fanout' });
  });

  it('Azure with a key: the v1 endpoint, the deployment as model, an api-key header and no Authorization, no api-version', async () => {
    const result = await collect(azure());
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.match(result.text, /^\[gpt-4o\]/);
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/openai/v1/responses');
    assert.equal(request?.headers['api-key'], 'test-azure-key-0001');
    assert.equal(request?.headers.authorization, undefined);
    assert.equal(bodyOf().model, 'prod-gpt4o');
  });

  it('Azure with Microsoft Entra ID: the token as Bearer, no api-key; a wrong key, an unknown deployment and a loose schema', async () => {
    const result = await collect({ ...azure(), auth: 'entra' });
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/openai/v1/responses');
    assert.equal(request?.headers.authorization, 'Bearer test-entra-token-0001');
    assert.equal(request?.headers['api-key'], undefined);

    assert.equal(errorOf(await collect(azure(), { credential: { type: 'api-key', key: 'nope', source: 'test' } })).kind, 'auth');
    const missing = errorOf(await collect({ ...azure(), deployment: 'no-such-deployment' }));
    assert.equal(missing.kind, 'not_found');
    assert.match(missing.message, /deployment name/);

    // Azure takes only strict schemas: a loose one is sent as an instruction, with a warning, never a 400
    const loose = await collect(azure(), { request: { ...PROMPT, responseFormat: { name: 'loose', schema: { type: 'object', properties: { note: { type: 'string' } } } } } });
    assert.equal(loose.errors.length, 0, JSON.stringify(loose.errors));
    assert.deepEqual(ofType(loose.parts, 'structured-output').map((part) => part.mode), ['instruction']);
    assert.equal(bodyOf(emulators.openai.server.requests.length - 1).text, undefined);
  });

  it('max_output_tokens reached: response.incomplete → finish length, with the cloud\'s reason kept; the content filter is an error', async () => {
    emulators.openai.behaviour.next({ finishLength: true, tokens: 3 });
    const cut = await collect(openai());
    const finish = cut.parts.at(-1);
    assert.ok(finish?.type === 'finish');
    assert.deepEqual([finish.reason, finish.rawReason], ['length', 'max_output_tokens']);
    assert.equal(ofType(cut.parts, 'usage').length, 1);
    emulators.openai.behaviour.next({ contentFilter: true, tokens: 3 });
    assert.equal(errorOf(await collect(openai())).kind, 'content_filter');
  });

  const faults: Array<[string, () => Deployment, Parameters<Emulators['openai']['behaviour']['next']>[0] | null, string, boolean, RegExp]> = [
    ['a stream that ends without response.completed', () => ({ ...deploymentsFor(emulators).openai, api: 'responses', model: 'gpt-5-ends-early' }), null, 'network', true, /ended before response\.completed/],
    ['the same on Azure', () => ({ ...deploymentsFor(emulators).azure, api: 'responses', deployment: 'prod-gpt4o-ends-early' }), null, 'network', true, /Azure OpenAI stream ended before response\.completed/],
    ['429 with retry-after', () => openai(), { error: { status: 429, headers: { 'retry-after': '2' } } }, 'rate_limit', true, /asked to wait 2 s/],
    ['a connection dropped mid-stream', () => openai(), { dropAfterTokens: 2 }, 'network', true, /./],
    ['an error event then response.failed mid-stream', () => openai(), { streamErrorAfterTokens: 2 }, 'server', true, /The server had an error processing your request/],
    ['a malformed event (as on chat completions: the SDK says what it could not read)', () => openai(), { malformedAfterTokens: 2 }, 'unknown', false, /malformed server-sent event JSON/],
  ];
  for (const [name, deployment, behaviour, kind, retryable, message] of faults) {
    it(`fault: ${name} → ${kind}`, async () => {
      if (behaviour) emulators.openai.behaviour.next(behaviour);
      const result = await collect(deployment());
      const error = errorOf(result);
      assert.equal(error.kind, kind, error.message);
      assert.equal(error.retryable, retryable);
      assert.match(error.message, message);
      assert.equal(result.parts.filter((part) => part.type === 'finish').length, 0);
    });
  }
});
