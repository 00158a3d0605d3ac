/** The tools and schema editors' checks (named with JSON pointers), and the playground's exports of a conversation. */
import * as assert from 'node:assert/strict';
import { exportJson, exportMarkdown } from '../../src/vscode/playground/playgroundExport';
import { TOOL_PRESETS, checkSchema, checkTools } from '../../src/webview/toolsCheck';
import { answer } from '../support/answers';

const tool = (extra: Record<string, unknown> = {}) => ({ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, ...extra });
const tools = (...items: unknown[]) => JSON.stringify(items);

describe('tools editor checks', () => {
  it('empty is no tools; the presets pass', () => {
    assert.deepEqual(checkTools('  '), { value: [] });
    assert.equal(checkTools(JSON.stringify(Object.values(TOOL_PRESETS))).problem, undefined);
  });
  const cases: Array<[string, string, string | RegExp]> = [
    ['not JSON, with line and column', '[\n  {"name": "a",\n  }\n]', /^is not JSON: .*line 3/],
    ['not an array', '{}', '/: must be a JSON array of {name, description, parameters}'],
    ['an item that is not an object', '[1]', '/0: must be an object {name, description, parameters}'],
    ['a missing name', tools({ parameters: { type: 'object' } }), '/0/name: is required: letters, digits, _ and -'],
    ['a name with a space', tools(tool({ name: 'get weather' })), '/0/name: "get weather" is not a tool name (letters, digits, _ and -, at most 64)'],
    ['a name twice', tools(tool(), tool()), '/1/name: get_weather is named twice'],
    ['an unknown field', tools(tool({ handler: 'x' })), '/0/handler: is not a tool field (name, description, parameters)'],
    ['a description that is not text', tools(tool({ description: 3 })), '/0/description: must be a string'],
    ['no parameters', tools({ name: 'a' }), /^\/0\/parameters: is required/],
    ['parameters not of type object', tools(tool({ parameters: { type: 'string' } })), '/0/parameters/type: must be "object" (a tool takes an object of arguments)'],
    ['required naming a missing property', tools(tool({ parameters: { type: 'object', properties: {}, required: ['city'] } })), '/0/parameters/required/0: "city" is not in properties'],
  ];
  for (const [name, text, problem] of cases) {
    it(`names ${name}`, () => {
      const checked = checkTools(text);
      if (typeof problem === 'string') assert.equal(checked.problem, problem);
      else assert.match(checked.problem ?? '', problem);
    });
  }
  it('a schema must be a JSON object', () => {
    assert.match(checkSchema('').problem ?? '', /is empty/);
    assert.equal(checkSchema('[]').problem, '/: must be a JSON object (a JSON Schema)');
    assert.deepEqual(checkSchema('{"type":"object"}'), { value: { type: 'object' } });
  });
});

describe('playground exports of a conversation', () => {
  const setup = { params: {}, tools: [TOOL_PRESETS.get_weather!], toolChoice: 'auto' as const, responseFormat: { name: 'answer', schema: { type: 'object', required: ['city'] } } };
  const call = { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } };
  const results = [
    { ...answer('gpt', '{"sky":"clear"}'), schemaValid: false, schemaErrors: ["/: must have required property 'city'"], json: { sky: 'clear' }, structuredOutput: 'native' as const, warnings: ['strict was sent'] },
    answer('claude', '', [{ id: 'tooluse_2', name: 'get_weather', arguments: {}, rawArguments: '{"city": "Par', error: 'the arguments are cut' }]),
  ];
  const threads = {
    gpt: [
      { role: 'user' as const, content: 'Weather?' },
      { role: 'assistant' as const, content: [call] as Array<typeof call & { type: 'tool-call' }> },
      { role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: 'call_1', name: 'get_weather', content: '21 °C, clear' }] },
      { role: 'assistant' as const, content: '{"sky":"clear"}' },
    ].map((message) => (message.role === 'assistant' && Array.isArray(message.content) ? { ...message, content: [{ type: 'tool-call' as const, ...call }] } : message)),
    claude: [{ role: 'user' as const, content: 'Weather?' }],
  };
  const run = { prompt: 'Weather?', results, setup, threads };

  it('Markdown: the tools, the schema, each call with its arguments and its result, a malformed call and the schema error', () => {
    const markdown = exportMarkdown(run);
    for (const expected of ['## Tools', '## Schema', '## Conversation: gpt', '**Tool call** `get_weather` (id `call_1`)', '"city": "Paris"', '**Tool result** for `get_weather` (id `call_1`)', '21 °C, clear',
      '## Conversation: claude', 'malformed call to `get_weather`: the arguments are cut — raw: `{"city": "Par`', "the answer does not follow the schema: /: must have required property 'city'", '- warning: strict was sent']) {
      assert.ok(markdown.includes(expected), `missing ${expected}\n${markdown}`);
    }
  });

  it('JSON: each result with its tool calls and schema check, and the conversation with every thread', () => {
    const document = JSON.parse(exportJson(run));
    assert.deepEqual(document.results[1].toolCalls, [{ id: 'tooluse_2', name: 'get_weather', arguments: {}, rawArguments: '{"city": "Par', error: 'the arguments are cut' }]);
    assert.equal(document.results[0].schemaValid, false);
    assert.equal(document.results[0].structuredOutput, 'native');
    assert.deepEqual(document.conversation.tools, setup.tools);
    assert.equal(document.conversation.threads.gpt[2].content[0].content, '21 °C, clear');
  });
});
