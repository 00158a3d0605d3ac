/** `fanout run` beyond text: --messages, --tools, --tool-choice, --schema, --json, in process and as the built binary. */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const WEATHER = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } };
const CONVERSATION = [
  { role: 'user', content: 'What is the weather in Paris?' },
  { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_weather', content: '{"celsius": 21}' }] },
];
const PERSON = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };

/**
 * An OpenAI chat-completions stream that answers with a tool call, the way api.openai.com streams one (the id and
 * name first, the arguments in fragments, finish_reason "tool_calls"). Until the emulators answer tool calls
 * themselves, this stands in for the end-to-end case; it records each request body.
 */
async function toolCallingServer(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_tool_1' });
      const chunk = (choice: unknown, extra: object = {}) => `data: ${JSON.stringify({ id: 'chatcmpl-t1', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini', choices: choice ? [choice] : [], ...extra })}\n\n`;
      response.write(chunk({ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, finish_reason: null }));
      response.write(chunk({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish_reason: null }));
      response.write(chunk({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }, finish_reason: null }));
      response.write(chunk({ index: 0, delta: {}, finish_reason: 'tool_calls' }));
      response.write(chunk(null, { usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 } }));
      response.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies, close: () => new Promise((done) => server.close(() => done())) };
}

describe('fanout run beyond text', () => {
  let emulators: Emulators;
  let dir: string;
  let config: string;
  const env = (): Record<string, string | undefined> => ({
    OPENAI_API_KEY: KEYS.openai,
    AZURE_OPENAI_API_KEY: KEYS.azure,
    GEMINI_API_KEY: KEYS.gemini,
    AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey,
  });
  const cli = async (args: string[]): Promise<Outcome> => {
    let stdout = '';
    let stderr = '';
    const code = await main(args.map((arg) => (arg === 'CONFIG' ? config : arg.startsWith('@') ? join(dir, arg.slice(1)) : arg)), {
      stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: env(), readStdin: async () => '',
    });
    return { code, stdout, stderr };
  };
  const binary = (args: string[]): Promise<Outcome> => new Promise((done) => {
    execFile(process.execPath, [resolve('bin/fanout.js'), ...args], { env: { ...process.env, ...env() }, timeout: 20_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const write = (name: string, value: unknown): string => {
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return join(dir, name);
  };
  const bodyOf = (requests: ReadonlyArray<{ body?: string; path: string }>, match: RegExp) => JSON.parse(requests.find((request) => match.test(request.path))?.body ?? '{}');

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-cli-request-'));
    const all = deploymentsFor(emulators);
    config = write('clouds.json', { deployments: [all.openai, all.azure, all.bedrock, all.gemini] });
    write('conversation.json', CONVERSATION);
    write('tools.json', [WEATHER]);
    write('person.schema.json', PERSON);
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('--messages sends the conversation (tool calls and results where each cloud wants them); --prompt appends a user turn', async () => {
    const { code, stdout, stderr } = await cli(['run', '--config', 'CONFIG', '--messages', '@conversation.json', '--tools', '@tools.json', '--prompt', 'And in Lyon?', '--deployments', 'openai-mini,bedrock-haiku,gemini-flash', '--format', 'json']);
    assert.equal(stderr, '');
    assert.equal(code, 0, stdout);
    const openai = bodyOf(emulators.openai.server.requests, /chat\/completions/);
    assert.deepEqual(openai.messages.map((message: { role: string }) => message.role), ['user', 'assistant', 'tool', 'user']);
    assert.equal(openai.messages[1].tool_calls[0].id, 'call_1');
    assert.deepEqual(JSON.parse(openai.messages[1].tool_calls[0].function.arguments), { city: 'Paris' });
    assert.equal(openai.messages[2].tool_call_id, 'call_1');
    assert.equal(openai.messages[3].content, 'And in Lyon?');
    const bedrock = bodyOf(emulators.bedrock.server.requests, /converse-stream/);
    assert.equal(bedrock.messages[1].content[0].toolUse.toolUseId, 'call_1');
    assert.equal(bedrock.messages[2].role, 'user', 'Bedrock takes tool results in a user message');
    assert.equal(bedrock.messages[2].content[0].toolResult.toolUseId, 'call_1');
    const gemini = bodyOf(emulators.google.server.requests, /streamGenerateContent/);
    assert.equal(gemini.contents[1].parts[0].functionCall.name, 'get_weather');
    assert.equal(gemini.contents[2].parts[0].functionResponse.name, 'get_weather');
    // each cloud answered the new question by calling the tool again, its arguments parsed
    for (const result of JSON.parse(stdout).results) {
      assert.equal(result.toolCalls.length, 1, result.deployment);
      assert.equal(result.toolCalls[0].name, 'get_weather');
      assert.equal(typeof result.toolCalls[0].arguments, 'object');
      assert.equal(result.finishReason, 'tool_calls');
    }
  });

  it('--messages alone: the conversation ends with the turn the model answers', async () => {
    const { code } = await cli(['run', '--config', 'CONFIG', '--messages', '@conversation.json', '--deployments', 'openai-mini']);
    assert.equal(code, 0);
    assert.deepEqual(bodyOf(emulators.openai.server.requests, /chat\/completions/).messages.map((message: { role: string }) => message.role), ['user', 'assistant', 'tool']);
  });

  it('--messages: an image part with a file path is read relative to the messages file and sent as data', async () => {
    writeFileSync(join(dir, 'dot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    write('look.json', [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', mediaType: 'image/png', file: 'dot.png' }] }]);
    const { code, stderr } = await cli(['run', '--config', 'CONFIG', '--messages', '@look.json', '--deployments', 'openai-mini']);
    assert.equal(code, 0, stderr);
    assert.match(emulators.openai.server.requests[0]?.body ?? '', /data:image\/png;base64,iVBORw0KGgoBAgM=/);
    write('look-missing.json', [{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', file: 'nope.png' }] }]);
    const missing = await cli(['run', '--config', 'CONFIG', '--messages', '@look-missing.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^fanout: --messages: .*look-missing\.json: \$\[0\]\.content\[0\]\.file: cannot read nope\.png \(ENOENT\) — a path is relative to the messages file\n$/);
  });

  it('--tools and --tool-choice NAME reach every cloud in its own shape', async () => {
    const { code } = await cli(['run', '--config', 'CONFIG', '--prompt', 'Weather in Oslo?', '--tools', '@tools.json', '--tool-choice', 'get_weather', '--deployments', 'openai-mini,bedrock-haiku,gemini-flash']);
    assert.equal(code, 0);
    const openai = bodyOf(emulators.openai.server.requests, /chat\/completions/);
    assert.deepEqual(openai.tools, [{ type: 'function', function: WEATHER }]);
    assert.deepEqual(openai.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    const bedrock = bodyOf(emulators.bedrock.server.requests, /converse-stream/);
    assert.equal(bedrock.toolConfig.tools[0].toolSpec.name, 'get_weather');
    assert.deepEqual(bedrock.toolConfig.toolChoice, { tool: { name: 'get_weather' } });
    const gemini = bodyOf(emulators.google.server.requests, /streamGenerateContent/);
    assert.equal(gemini.tools[0].functionDeclarations[0].name, 'get_weather');
    assert.equal(gemini.toolConfig.functionCallingConfig.mode, 'ANY');
  });

  it('--tool-choice required is Bedrock\'s {any: {}}', async () => {
    const { code } = await cli(['run', '--config', 'CONFIG', '--prompt', 'Weather?', '--tools', '@tools.json', '--tool-choice', 'required', '--deployments', 'openai-mini,bedrock-haiku']);
    assert.equal(code, 0);
    assert.equal(bodyOf(emulators.openai.server.requests, /chat\/completions/).tool_choice, 'required');
    assert.deepEqual(bodyOf(emulators.bedrock.server.requests, /converse-stream/).toolConfig.toolChoice, { any: {} });
  });

  it('the built binary: a streamed tool call is one result entry with parsed arguments, finish tool_calls, shown in the table', async () => {
    const server = await toolCallingServer();
    try {
      const tooling = write('tooling.json', { deployments: [{ id: 'caller', provider: 'openai-compatible', model: 'gpt-4o-mini', baseUrl: server.url, apiKeyEnv: 'OPENAI_API_KEY' }] });
      const json = await binary(['run', '--config', tooling, '--prompt', 'Weather in Paris?', '--tools', join(dir, 'tools.json'), '--tool-choice', 'auto', '--format', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const [result] = JSON.parse(json.stdout).results;
      assert.deepEqual(result.toolCalls, [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }]);
      assert.equal(result.finishReason, 'tool_calls');
      assert.equal(result.text, '');
      assert.equal((server.bodies[0] as { tool_choice: string }).tool_choice, 'auto');
      const table = await binary(['run', '--config', tooling, '--prompt', 'Weather in Paris?', '--tools', join(dir, 'tools.json')]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^── caller · gpt-4o-mini ─+\n→ tool call get_weather \{"city":"Paris"\}$/m);
      const markdown = await binary(['run', '--config', tooling, '--prompt', 'Weather in Paris?', '--tools', join(dir, 'tools.json'), '--format', 'markdown']);
      assert.match(markdown.stdout, /^- tool call `get_weather` `\{"city":"Paris"\}`$/m);
      assert.doesNotMatch(markdown.stdout, /No text\./);
    } finally {
      await server.close();
    }
  });

  it('--json: the answer parsed into "json"; the cloud asked through its own field', async () => {
    emulators.openai.behaviour.next({ text: '{"answer": 42}', ignoreFormat: true });
    emulators.google.behaviour.next({ text: '{"answer": 42}', ignoreFormat: true });
    const { code, stdout } = await cli(['run', '--config', 'CONFIG', '--prompt', 'The answer, as JSON', '--json', '--deployments', 'openai-mini,gemini-flash', '--format', 'json']);
    assert.equal(code, 0);
    for (const result of JSON.parse(stdout).results) {
      assert.deepEqual(result.json, { answer: 42 }, result.deployment);
      assert.equal(result.schemaValid, null);
      assert.deepEqual(result.schemaErrors, []);
      assert.equal(result.structuredOutput, 'native');
    }
    assert.deepEqual(bodyOf(emulators.openai.server.requests, /chat\/completions/).response_format, { type: 'json_object' });
    assert.equal(bodyOf(emulators.google.server.requests, /streamGenerateContent/).generationConfig.responseMimeType, 'application/json');
  });

  it('--schema: named after the file, strict; a valid and an invalid answer both "answered" (exit 0), the invalid one with its pointer', async () => {
    emulators.openai.behaviour.next({ text: '{"name": "Ada", "age": 36}', ignoreFormat: true });
    emulators.google.behaviour.next({ text: '{"name": "Ada"}', ignoreFormat: true });
    const { code, stdout } = await cli(['run', '--config', 'CONFIG', '--prompt', 'Ada Lovelace, as JSON', '--schema', '@person.schema.json', '--deployments', 'openai-mini,gemini-flash', '--format', 'json']);
    assert.equal(code, 0, 'a schema-invalid answer is still an answer');
    const [openai, gemini] = JSON.parse(stdout).results;
    assert.deepEqual([openai.json, openai.schemaValid, openai.schemaErrors], [{ name: 'Ada', age: 36 }, true, []]);
    assert.deepEqual([gemini.json, gemini.schemaValid, gemini.schemaErrors], [{ name: 'Ada' }, false, ["/: must have required property 'age'"]]);
    const format = bodyOf(emulators.openai.server.requests, /chat\/completions/).response_format;
    assert.deepEqual(format, { type: 'json_schema', json_schema: { name: 'person', schema: PERSON, strict: true } });
  });

  it('--schema in the table: ✓ valid, ✗ not JSON with the reason', async () => {
    emulators.openai.behaviour.next({ text: '{"name": "Ada", "age": 36}', ignoreFormat: true });
    emulators.google.behaviour.next({ text: 'Ada was born in 1815.', ignoreFormat: true });
    const { code, stdout } = await cli(['run', '--config', 'CONFIG', '--prompt', 'Ada', '--schema', '@person.schema.json', '--deployments', 'openai-mini,gemini-flash']);
    assert.equal(code, 0);
    assert.match(stdout, /^✓ JSON \(native\): valid against the schema$/m);
    assert.match(stdout, /^✗ JSON \(native\): not JSON — \/: the answer is not JSON/m);
  });

  const usageMistakes: Array<[string[], RegExp]> = [
    [['--messages', '@nowhere.json'], /^fanout: --messages: cannot read .*nowhere\.json \(no such file\) — check the path\n$/],
    [['--messages', '@broken.json'], /^fanout: --messages: .*broken\.json: not valid JSON at line 1, column 29 \(.*\) — fix the syntax there\n$/],
    [['--messages', '@object.json'], /^fanout: --messages: .*object\.json: \$: must be a list of messages/],
    [['--messages', '@bad-role.json'], /^fanout: --messages: .*bad-role\.json: \$\[0\]\.role: "system" is not valid — use "user", "assistant", "tool"\n$/],
    [['--messages', '@orphan.json'], /^fanout: --messages: .*orphan\.json: \$\[1\]\.content\[0\]\.toolCallId: "call_9" answers no tool call earlier in the conversation/],
    [['--messages', '@ends-assistant.json'], /^fanout: --messages: .*ends-assistant\.json: \$\[1\]: the conversation ends with the assistant — add a user or tool message after it, or give --prompt TEXT\n$/],
    [['--messages', '@empty-list.json'], /--messages: .*empty-list\.json: \$: the conversation is empty/],
    [['--messages', ''], /^fanout: --messages: empty — name a JSON file/],
    [['--prompt', 'x', '--tools', '@bad-tools.json'], /^fanout: --tools: .*bad-tools\.json: \$\[0\]\.parameter: unknown field "parameter" — did you mean "parameters"\?/],
    [['--prompt', 'x', '--tools', '@no-tools.json'], /--tools: .*no-tools\.json: \$: the list is empty/],
    [['--prompt', 'x', '--tools', '@unusable-tool.json'], /--tools: .*unusable-tool\.json: \$\[0\]\.parameters: not a usable JSON Schema/],
    [['--prompt', 'x', '--tool-choice', 'auto'], /^fanout: --tool-choice: needs --tools FILE/],
    [['--prompt', 'x', '--tools', '@tools.json', '--tool-choice', 'get_wether'], /^fanout: --tool-choice: "get_wether" is not a tool in .*tools\.json — did you mean "get_weather"\?/],
    [['--prompt', 'x', '--schema', '@person.schema.json', '--json'], /^fanout: --schema and --json: give one, not both/],
    [['--prompt', 'x', '--schema', '@list.schema.json'], /--schema: .*list\.schema\.json: \$: must be a JSON Schema object/],
    [['--prompt', 'x', '--schema', '@unusable.schema.json'], /--schema: .*unusable\.schema\.json: \$: not a usable JSON Schema \(.*\) — fix the schema\n$/],
    [['--prompt', 'x', '--schema', '@nowhere.schema.json'], /--schema: cannot read/],
    [['--prompt', 'x', '--json=yes'], /--json/],
  ];
  for (const [args, expected] of usageMistakes) {
    it(`exit 2 with one line naming the file, the place and the fix, nothing sent: ${args.join(' ')}`, async () => {
      write('broken.json', '[{"role": "user", "content" "x"}]');
      write('object.json', { role: 'user', content: 'x' });
      write('bad-role.json', [{ role: 'system', content: 'x' }]);
      write('orphan.json', [{ role: 'user', content: 'x' }, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_9', name: 'f', content: 'x' }] }]);
      write('ends-assistant.json', [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }]);
      write('empty-list.json', []);
      write('bad-tools.json', [{ name: 'f', parameter: {} }]);
      write('no-tools.json', []);
      write('unusable-tool.json', [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'nonsense' } } } }]);
      write('list.schema.json', []);
      write('unusable.schema.json', { type: 'object', properties: { a: { minimum: 'x' } } });
      const { code, stdout, stderr } = await cli(['run', '--config', 'CONFIG', ...args]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /^fanout: .+\n$/);
      assert.match(stderr, expected);
      for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) assert.equal(emulator.server.requests.length, 0);
    });
  }

  it('the built binary says a usage mistake in one line, exit 2', async () => {
    const outcome = await binary(['run', '--config', config, '--prompt', 'x', '--schema', join(dir, 'person.schema.json'), '--json']);
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.match(outcome.stderr, /^fanout: --schema and --json: give one, not both/);
  });
});
