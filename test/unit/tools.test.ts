/**
 * Conversations with tools and JSON answers on every provider kind, through the official SDKs against the emulators:
 * each cloud's own wire for tools, tool choice, tool results and schemas; what a cloud does not take said as a warning
 * before sending (never a surprise 400); the answer's JSON validated; and the faults of a tool conversation.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import type { ChatRequest, ToolDefinition } from '../../src/core/request/chatRequest';
import { runFanout, type DeploymentResult } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { KEYS, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

const WEATHER: ToolDefinition = {
  name: 'get_weather', description: 'The weather in a city now',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'], additionalProperties: false },
};
const ask = (text: string): ChatRequest['messages'][number] => ({ role: 'user', content: text });
const SCHEMA = { name: 'city_facts', schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false } };

describe('tools and JSON answers on every provider kind', () => {
  let emulators: Emulators;
  let all: Deployment[];
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => {
    emulators.reset();
    const d = deploymentsFor(emulators);
    all = [d.openai, d.compatible, d.azure, d.bedrock, d.vertex, d.gemini, d.vertexOpenai];
  });
  // the OpenAI-compatible deployment shares the OpenAI emulator here, which wants a key
  const credentials = testCredentials({ 'local-llama': { type: 'api-key', key: KEYS.openai, source: 'test' } });
  const run = (request: ChatRequest, deployments: Deployment[] = all): Promise<DeploymentResult[]> => runFanout(request, deployments, { loadAdapter, credentials, retry: { maxRetries: 0 } });
  const byId = (results: DeploymentResult[]) => Object.fromEntries(results.map((result) => [result.deployment, result]));
  const lastBody = (emulator: { server: { requests: Array<{ body: string }> } }) => JSON.parse(emulator.server.requests.at(-1)!.body);

  it('a three-turn conversation: each cloud calls the tool, takes its result back in its own shape, and answers with it', async () => {
    const first = await run({ messages: [ask('Weather in Paris?')], params: {}, tools: [WEATHER], toolChoice: 'auto' });
    for (const result of first) {
      assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
      assert.equal(result.finishReason, 'tool_calls', result.deployment);
      assert.equal(result.toolCalls.length, 1, result.deployment);
      const [call] = result.toolCalls;
      assert.equal(call!.name, 'get_weather');
      assert.deepEqual(call!.arguments, { city: 'Paris', unit: 'celsius' }, result.deployment);
      assert.ok(call!.id && !call!.error, `${result.deployment}: ${JSON.stringify(call)}`);
      assert.ok(result.metrics.ttftMs !== null || result.text === '', 'a tool-call answer still ends with its times');
    }
    // each column continues its own thread, with its own call id
    const second = await Promise.all(first.map(async (result) => {
      const deployment = all.find((candidate) => candidate.id === result.deployment)!;
      const call = result.toolCalls[0]!;
      const [next] = await run({
        messages: [ask('Weather in Paris?'), { role: 'assistant', content: [{ type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.id, name: call.name, content: '{"temperature": 21, "sky": "clear"}' }] }],
        params: {}, tools: [WEATHER],
      }, [deployment]);
      return next!;
    }));
    for (const result of second) {
      assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
      assert.equal(result.finishReason, 'stop');
      assert.deepEqual(result.toolCalls, []);
      assert.match(result.text, /get_weather tool says: .*21/, result.deployment);
    }
    // the tool result travelled in each cloud's own shape
    const openaiCall = first.find((result) => result.deployment === 'openai-mini')!.toolCalls[0]!;
    const openai = emulators.openai.server.requests.map((request) => JSON.parse(request.body)).find((body) => body.messages?.at(-1)?.tool_call_id === openaiCall.id);
    assert.deepEqual(openai.messages.slice(-2), [
      { role: 'assistant', content: null, tool_calls: [{ id: openaiCall.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: openaiCall.id, content: '{"temperature": 21, "sky": "clear"}' },
    ]);
    const bedrock = lastBody(emulators.bedrock);
    assert.equal(bedrock.messages.at(-1).role, 'user', 'Bedrock takes tool results inside a user message');
    assert.equal(bedrock.messages.at(-1).content[0].toolResult.status, 'success');
    const gemini = emulators.google.server.requests.map((request) => JSON.parse(request.body)).at(-1);
    assert.deepEqual(gemini.contents.at(-1).parts[0].functionResponse, { name: 'get_weather', response: { temperature: 21, sky: 'clear' } });
  });

  it('tool choice in each cloud\'s words; what a cloud does not take is a warning before sending', async () => {
    const d = deploymentsFor(emulators);
    const required = byId(await run({ messages: [ask('x')], params: {}, tools: [WEATHER], toolChoice: 'required' }, [d.openai, d.bedrock, d.gemini]));
    assert.equal(JSON.parse(emulators.openai.server.requests.at(-1)!.body).tool_choice, 'required');
    assert.deepEqual(lastBody(emulators.bedrock).toolConfig.toolChoice, { any: {} }, 'required is Bedrock\'s {any:{}}');
    assert.deepEqual(lastBody(emulators.google).toolConfig.functionCallingConfig, { mode: 'ANY' });
    for (const result of Object.values(required)) assert.deepEqual(result.warnings, []);
    emulators.reset();
    const none = byId(await run({ messages: [ask('Just say hi')], params: {}, tools: [WEATHER], toolChoice: 'none' }, [d.bedrock, d.openai]));
    assert.equal(none['bedrock-haiku']!.status, 'ok');
    assert.deepEqual(none['bedrock-haiku']!.warnings, ['Bedrock has no tool choice "none": sent without tools']);
    assert.equal(lastBody(emulators.bedrock).toolConfig, undefined);
    assert.deepEqual(none['openai-mini']!.toolCalls, [], 'OpenAI takes "none"');
    emulators.reset();
    const llama = { ...d.bedrock, id: 'bedrock-llama', model: 'meta.llama3-3-70b-instruct-v1:0' };
    const [forced] = await run({ messages: [ask('x')], params: {}, tools: [WEATHER], toolChoice: { name: 'get_weather' } }, [llama]);
    assert.equal(forced!.status, 'ok', JSON.stringify(forced!.error));
    assert.match(forced!.warnings[0] ?? '', /cannot be made to call one named tool on Bedrock: sent as "required"/);
  });

  it('Bedrock: a history with tool blocks and no tools offered still goes through, with its tools declared and a warning', async () => {
    const d = deploymentsFor(emulators);
    const [result] = await run({
      messages: [ask('Weather?'), { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', name: 'get_weather', content: 'snow' }] }, ask('And now?')],
      params: {},
    }, [d.bedrock]);
    assert.equal(result!.status, 'ok', JSON.stringify(result!.error));
    assert.match(result!.warnings[0] ?? '', /Bedrock needs their tools declared: get_weather/);
    const body = lastBody(emulators.bedrock);
    assert.equal(body.toolConfig.tools[0].toolSpec.name, 'get_weather');
    assert.deepEqual(body.messages.map((message: { role: string }) => message.role), ['user', 'assistant', 'user'], 'the tool result and the next question make one user turn');
  });

  it('a JSON schema on every kind: the cloud\'s own mechanism where it has one, else a forced tool, else an instruction; validated', async () => {
    const d = deploymentsFor(emulators);
    const llama = { ...d.bedrock, id: 'bedrock-llama', model: 'meta.llama3-3-70b-instruct-v1:0' };
    const results = byId(await run({ messages: [ask('Facts about Paris')], params: {}, responseFormat: SCHEMA }, [...all, llama]));
    const modes: Record<string, string> = { 'openai-mini': 'native', 'local-llama': 'native', 'azure-gpt4o': 'native', 'bedrock-haiku': 'tool', 'vertex-flash': 'native', 'gemini-flash': 'native', 'vertex-gpt-oss': 'native', 'bedrock-llama': 'instruction' };
    for (const [id, mode] of Object.entries(modes)) {
      const result = results[id]!;
      assert.equal(result.status, 'ok', `${id}: ${JSON.stringify(result.error)}`);
      assert.equal(result.structuredOutput, mode, id);
      assert.deepEqual(result.json, { city: 'Paris', population: 1 }, id);
      assert.equal(result.schemaValid, true, id);
      assert.deepEqual(result.warnings, [], id);
    }
    assert.equal(results['bedrock-haiku']!.finishReason, 'stop', 'the forced answer tool is Fanout\'s device: the answer ends as text');
    assert.deepEqual(results['bedrock-haiku']!.toolCalls, []);
  });

  it('an invalid answer is named with the JSON pointer; an answer that is not JSON is invalid with the reason', async () => {
    const d = deploymentsFor(emulators);
    emulators.openai.behaviour.next({ jsonInvalid: true });
    const [invalid] = await run({ messages: [ask('Facts')], params: {}, responseFormat: SCHEMA }, [d.openai]);
    assert.equal(invalid!.schemaValid, false);
    assert.deepEqual(invalid!.schemaErrors, ["/: must have required property 'city'"]);
    emulators.reset();
    const llama = { ...d.bedrock, id: 'bedrock-llama', model: 'meta.llama3-3-70b-instruct-v1:0' };
    emulators.bedrock.behaviour.next({ text: 'Sure! Paris is big.', ignoreFormat: true });
    const [prose] = await run({ messages: [ask('Facts')], params: {}, responseFormat: 'json' }, [llama]);
    assert.equal(prose!.structuredOutput, 'instruction');
    assert.equal(prose!.json, null);
    assert.equal(prose!.schemaValid, false);
    assert.match(prose!.schemaErrors[0] ?? '', /^\/: the answer is not JSON/);
  });

  it('schemas a dialect would refuse are named per column, by JSON pointer, and sent another way — never a surprise 400', async () => {
    const d = deploymentsFor(emulators);
    const loose = { name: 'loose', schema: { type: 'object', properties: { city: { type: 'string' }, tags: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } } }, required: ['city'] } };
    const results = byId(await run({ messages: [ask('x')], params: {}, responseFormat: loose }, [d.openai, d.azure, d.gemini]));
    for (const result of Object.values(results)) assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
    assert.equal(results['openai-mini']!.structuredOutput, 'native');
    assert.match(results['openai-mini']!.warnings[0] ?? '', /sent with strict: false \(\/: strict mode needs "additionalProperties": false/);
    assert.equal(JSON.parse(emulators.openai.server.requests.find((request) => request.path.startsWith('/v1/'))!.body).response_format.json_schema.strict, false);
    assert.equal(results['azure-gpt4o']!.structuredOutput, 'instruction');
    assert.match(results['azure-gpt4o']!.warnings[0] ?? '', /Azure OpenAI takes only strict schemas.*\/properties\/tags/);
    assert.equal(results['gemini-flash']!.structuredOutput, 'instruction');
    assert.match(results['gemini-flash']!.warnings[0] ?? '', /responseJsonSchema would refuse this schema \(\/properties\/tags\/propertyNames: "propertyNames" is not taken here;/);
    emulators.reset();
    const [old] = await run({ messages: [ask('x')], params: {}, responseFormat: SCHEMA }, [{ ...d.azure, apiVersion: '2024-06-01' }]);
    assert.equal(old!.status, 'ok', JSON.stringify(old!.error));
    assert.match(old!.warnings[0] ?? '', /api-version 2024-06-01 predates json_schema/);
    assert.equal(old!.schemaValid, true);
  });

  it('the emulators refuse what each cloud refuses (what the warnings above avoid), in each cloud\'s words', async () => {
    const post = async (url: string, body: unknown, headers: Record<string, string>) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: response.status, text: await response.text() };
    };
    const loose = { type: 'object', properties: { tags: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } } } };
    const chat = (extra: object) => ({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }], ...extra });
    const strict = await post(`${emulators.openai.url}/v1/chat/completions`, chat({ response_format: { type: 'json_schema', json_schema: { name: 'loose', schema: loose, strict: true } } }), { authorization: `Bearer ${KEYS.openai}` });
    assert.equal(strict.status, 400);
    assert.match(strict.text, /Invalid schema for response_format 'loose': In context=\(\), 'additionalProperties' is required to be supplied and to be false/);
    const azureOld = await post(`${emulators.openai.url}/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-06-01`, chat({ response_format: { type: 'json_schema', json_schema: { name: 's', schema: SCHEMA.schema, strict: true } } }), { 'api-key': KEYS.azure });
    assert.equal(azureOld.status, 400);
    assert.match(azureOld.text, /enabled only for api versions 2024-08-01-preview and later/);
    const bedrockUrl = `${emulators.bedrock.url}/model/${encodeURIComponent('us.anthropic.claude-3-5-haiku-20241022-v1:0')}/converse-stream`;
    const noToolConfig = await post(bedrockUrl, { messages: [{ role: 'user', content: [{ text: 'x' }] }, { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'r' }] } }] }] }, { authorization: `Bearer ${KEYS.bedrockApiKey}` });
    assert.equal(noToolConfig.status, 400);
    assert.match(noToolConfig.text, /The toolConfig field must be defined when using toolUse and toolResult content blocks/);
    const gemini = await post(`${emulators.google.url}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: 'x' }] }], generationConfig: { responseMimeType: 'application/json', responseJsonSchema: loose } }, { 'x-goog-api-key': KEYS.gemini });
    assert.equal(gemini.status, 400);
    assert.match(gemini.text, /Unknown name \\?"propertyNames\\?"/);
  });

  it('faults: arguments cut mid-stream, malformed arguments, a tool not offered — each named in its own column, the others unaffected', async () => {
    const d = deploymentsFor(emulators);
    const request: ChatRequest = { messages: [ask('Weather?')], params: {}, tools: [WEATHER] };
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o-mini': { dropAfterTokens: 2 } } }); // the Azure deployment (gpt-4o) shares this emulator
    emulators.bedrock.behaviour.next({ toolArguments: '{"city": "Par' });
    emulators.google.behaviour.next({ callTool: 'delete_everything' });
    const results = byId(await run(request, [d.openai, d.bedrock, d.gemini, d.azure]));
    assert.equal(results['openai-mini']!.status, 'error');
    assert.equal(results['openai-mini']!.error?.kind, 'network');
    assert.equal(emulators.openai.server.requests.filter((r) => r.path.startsWith('/v1/')).length, 1, 'arguments had started: not retried');
    const malformed = results['bedrock-haiku']!.toolCalls[0]!;
    assert.equal(results['bedrock-haiku']!.status, 'ok');
    assert.deepEqual(malformed.arguments, {});
    assert.equal(malformed.rawArguments, '{"city": "Par');
    assert.match(malformed.error ?? '', /not valid JSON .*cut off/);
    assert.match(results['gemini-flash']!.toolCalls[0]!.error ?? '', /called "delete_everything", which was not offered \(offered: get_weather\)/);
    assert.equal(results['azure-gpt4o']!.status, 'ok');
    assert.deepEqual(results['azure-gpt4o']!.toolCalls[0]!.arguments, { city: 'Paris', unit: 'celsius' });
  });

  it('mistakes no cloud would take fail before anything is sent: a $ref cycle, a result for no call, a tool choice not offered', async () => {
    const d = deploymentsFor(emulators);
    const cycle = { name: 'loop', schema: { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' } };
    const cases: Array<[ChatRequest, RegExp]> = [
      [{ messages: [ask('x')], params: {}, responseFormat: cycle }, /"\$ref": "#\/\$defs\/a" is a cycle of references with no schema in it/],
      [{ messages: [ask('x'), { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'forged', name: 'f', content: 'r' }] }], params: {} }, /result for tool call "forged", which no earlier assistant message made/],
      [{ messages: [ask('x')], params: {}, tools: [WEATHER], toolChoice: { name: 'get_time' } }, /names "get_time", which is not among the tools offered \(get_weather\)/],
    ];
    for (const [request, message] of cases) {
      const results = await run(request, [d.openai, d.bedrock]);
      for (const result of results) {
        assert.equal(result.error?.kind, 'bad_request');
        assert.match(result.error?.message ?? '', message);
        assert.match(result.error?.message ?? '', /Nothing was sent\.$/);
      }
    }
    assert.equal(emulators.openai.server.requests.length + emulators.bedrock.server.requests.length, 0);
  });

  it('a 60-turn conversation and a 1 MB tool result reach every cloud whole; past the window it is a clear context-length error', async () => {
    const d = deploymentsFor(emulators);
    const turns: ChatRequest['messages'] = [];
    for (let i = 0; i < 30; i++) turns.push(ask(`question ${i} ${'word '.repeat(40)}`), { role: 'assistant', content: `answer ${i}` });
    const big = 'x'.repeat(1024 * 1024);
    const request: ChatRequest = {
      messages: [...turns, ask('Weather?'), { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'get_weather', content: big }] }],
      params: {}, tools: [WEATHER],
    };
    const results = byId(await run(request, [d.openai, d.bedrock, d.gemini]));
    assert.equal(results['gemini-flash']!.status, 'ok', 'a million-token window takes it');
    assert.ok(emulators.google.server.requests.at(-1)!.body.includes(big), 'the tool result arrived whole');
    for (const id of ['openai-mini', 'bedrock-haiku']) {
      assert.equal(results[id]!.error?.kind, 'context_length', `${id}: ${JSON.stringify(results[id]!.error)}`);
    }
    const small = byId(await run({ ...request, messages: request.messages.map((message) => (message.role === 'tool' ? { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'get_weather', content: 'sunny' }] } : message)) }, [d.openai, d.bedrock]));
    for (const result of Object.values(small)) assert.equal(result.status, 'ok', `${result.deployment}: 61 messages answered`);
  });
});
