import * as assert from 'node:assert/strict';
import { parsePromptFile } from '../../src/core/request/promptFile';

describe('prompt files', () => {
  it('reads front matter and the prompt', async () => {
    const result = await parsePromptFile('---\ndeployments: [gpt, claude]\nsystem: Be brief.\ntemperature: 0.2\nmaxTokens: 300\nvariables:\n  audience: developers\n  n: 3\n---\nExplain TCP to {{audience}} in {{n}} lines.\n');
    assert.deepEqual(result, { ok: true, file: {
      prompt: 'Explain TCP to {{audience}} in {{n}} lines.', system: 'Be brief.', deployments: ['gpt', 'claude'],
      messages: [{ role: 'user', content: 'Explain TCP to {{audience}} in {{n}} lines.' }], tools: null, toolChoice: null, responseFormat: null, reasoning: null,
      params: { temperature: 0.2, maxTokens: 300 }, variables: { audience: 'developers', n: '3' }, bodyLine: 9,
    } });
  });

  it('reads reasoning from the front matter by the one rule the CLI uses: an effort or a budget of thinking tokens', async () => {
    const cases: Array<[string, unknown]> = [['high', { effort: 'high' }], ['minimal', { effort: 'minimal' }], ['8000', { budgetTokens: 8000 }], ['"2048"', { budgetTokens: 2048 }], ['default', null]];
    for (const [value, expected] of cases) {
      const result = await parsePromptFile(`---\nreasoning: ${value}\n---\nThink.`);
      assert.ok(result.ok, !result.ok ? result.problem : '');
      assert.deepEqual(result.file.reasoning, expected, value);
    }
    for (const value of ['extreme', '50', '1000000', '1.5']) {
      const result = await parsePromptFile(`---\nreasoning: ${value}\n---\nThink.`);
      assert.match(!result.ok ? result.problem : '', /^front matter: reasoning: "[^"]+" is not valid: use minimal, low, medium, high, or a whole number of thinking tokens from 128 to 128000\.$/, value);
    }
    const typo = await parsePromptFile('---\nreasonning: high\n---\nThink.');
    assert.match(!typo.ok ? typo.problem : '', /did you mean "reasoning"\?/);
  });

  it('a file without front matter is all prompt', async () => {
    const result = await parsePromptFile('Just a prompt.');
    assert.equal(result.ok && result.file.prompt, 'Just a prompt.');
    assert.equal(result.ok && result.file.deployments, null);
  });

  const weather = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

  it('takes tools, a tool choice and a schema inline in the front matter', async () => {
    const result = await parsePromptFile([
      '---',
      'tools:',
      '  - name: get_weather',
      '    description: The weather in a city',
      '    parameters:',
      '      type: object',
      '      properties: { city: { type: string } }',
      '      required: [city]',
      'toolChoice: get_weather',
      'schema:',
      '  title: Weather report',
      '  type: object',
      '  properties: { celsius: { type: number } }',
      '---',
      'Weather in Paris?',
    ].join('\n'));
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.deepEqual(result.file.tools, [weather]);
    assert.deepEqual(result.file.toolChoice, { name: 'get_weather' });
    assert.deepEqual(result.file.responseFormat, { name: 'Weather_report', schema: { title: 'Weather report', type: 'object', properties: { celsius: { type: 'number' } } }, strict: true });
  });

  it('reads tools and schema from JSON files named relative to the prompt file', async () => {
    const files: Record<string, string> = { 'tools/weather.json': JSON.stringify([weather]), 'person.schema.json': '{"type": "object"}' };
    const read: string[] = [];
    const readRelative = async (path: string): Promise<string> => {
      read.push(path);
      if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[path]!;
    };
    const result = await parsePromptFile('---\ntools: tools/weather.json\ntoolChoice: required\nschema: person.schema.json\n---\nHi', { readRelative });
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.deepEqual([result.file.tools, result.file.toolChoice, result.file.responseFormat], [[weather], 'required', { name: 'person', schema: { type: 'object' }, strict: true }]);
    assert.deepEqual(read, ['tools/weather.json', 'person.schema.json']);
    const missing = await parsePromptFile('---\ntools: nope.json\n---\nHi', { readRelative });
    assert.match(!missing.ok ? missing.problem : '', /^front matter: tools: cannot read nope\.json \(ENOENT\) — the path is relative to the prompt file$/);
    const unreadable = await parsePromptFile('---\nschema: person.schema.json\n---\nHi');
    assert.match(!unreadable.ok ? unreadable.problem : '', /schema: "person\.schema\.json" is a path, and files beside the prompt cannot be read here — write the schema inline/);
    files['bad.json'] = JSON.stringify([{ name: 'f', parameter: {} }]);
    const bad = await parsePromptFile('---\ntools: bad.json\n---\nHi', { readRelative });
    assert.match(!bad.ok ? bad.problem : '', /^front matter: tools: bad\.json: \$\[0\]\.parameter: unknown field "parameter" — did you mean "parameters"\?/);
  });

  it('reads a conversation from ## user / ## assistant / ## tool NAME ID headings, tool calls in ```tool-call NAME ID blocks', async () => {
    const result = await parsePromptFile([
      '---',
      'system: Be brief.',
      '---',
      '## user',
      'What is the weather in Paris?',
      '',
      '## assistant',
      'Let me look.',
      '```tool-call get_weather call_1',
      '{"city": "Paris"}',
      '```',
      '',
      '## tool get_weather call_1',
      '{"celsius": 21}',
      '',
      '## user',
      'And in Lyon?',
      '',
      '```python',
      '## user   (inside a code block: not a heading)',
      '```',
    ].join('\n'));
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.deepEqual(result.file.messages, [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_weather', content: '{"celsius": 21}' }] },
      { role: 'user', content: 'And in Lyon?\n\n```python\n## user   (inside a code block: not a heading)\n```' },
    ]);
    assert.equal(result.file.prompt, 'And in Lyon?\n\n```python\n## user   (inside a code block: not a heading)\n```');
    const endsWithTool = await parsePromptFile('## user\nWeather?\n## assistant\n```tool-call get_weather c1\n{}\n```\n## tool get_weather c1 error\nthe service is down');
    assert.ok(endsWithTool.ok);
    assert.deepEqual(endsWithTool.file.messages.at(-1), { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'get_weather', content: 'the service is down', isError: true }] });
    assert.equal(endsWithTool.file.prompt, '');
  });

  it('a body whose headings are not turns stays one prompt', async () => {
    const result = await parsePromptFile('## User stories\nWrite three.\n## Acceptance\nEach testable.');
    assert.ok(result.ok);
    assert.deepEqual(result.file.messages, [{ role: 'user', content: '## User stories\nWrite three.\n## Acceptance\nEach testable.' }]);
  });

  const mistakes: Array<[string, RegExp]> = [
    ['---\ntools: {name: f}\n---\nx', /^front matter: tools: must be a list of tools/],
    ['---\ntools:\n  - name: get weather\n---\nx', /^front matter: tools\[0\]\.name: is not a tool name — use letters, digits/],
    ['---\ntoolChoice: required\n---\nx', /^front matter: toolChoice needs tools/],
    ['---\ntools: [{name: f}]\ntoolChoice: g\n---\nx', /^front matter: toolChoice: "g" is not a tool/],
    ['---\nschema: [1]\n---\nx', /^front matter: schema must be a JSON Schema object/],
    ['---\ntool: []\n---\nx', /unknown field "tool" — did you mean "tools"\?/],
    ['Intro\n## user\nHi', /^text before the first turn heading — put it under "## user" \(line 1\)/],
    ['---\nsystem: s\n---\n## user\n\n## assistant\nHi', /^## user \(line 4\): the turn is empty/],
    ['## user\nHi\n## assistant\nHello', /^## assistant \(line 3\): the conversation ends with the assistant — add a "## user" turn after it/],
    ['## user\nHi\n## tool get_weather call_9\n{}', /^## tool get_weather call_9 \(line 3\): "call_9" answers no tool call earlier in the conversation — add a "## assistant" turn with a ```tool-call NAME ID block before it/],
    ['## user\nHi\n## assistant\n```tool-call f c1\n{"a": \n```\n## user\nok', /^## assistant \(line 3\): the arguments of tool call c1 are not valid JSON/],
    ['## user\nHi\n## assistant\n```tool-call f c1\n[1]\n```\n## user\nok', /must be a JSON object/],
    ['## user\nHi\n## assistant\n```tool-call f c1\n{}\n## user\nok', /^## assistant \(line 3\): the ```tool-call f c1 block is not closed — end it with ```/],
    ['## user\nHi\n## assistant\n```tool-call f c1\n{}\n```\n## tool g c1\nx', /^## tool g c1 \(line 7\): "g" is not the tool call "c1" made — use "f"/],
    ['---\ntemprature: 0.2\n---\nx', /unknown field "temprature" — did you mean "temperature"\?/],
    ['---\ntemperature: hot\n---\nx', /temperature must be a number/],
    ['---\ntemperature: 5\n---\nx', /temperature is above 2 — use a number from 0 to 2/],
    ['---\nmaxTokens: 1.5\n---\nx', /maxTokens must be a whole number/],
    ['---\ndeployments: gpt\n---\nx', /deployments must be a list/],
    ['---\ndeployments: [\n---\nx', /not valid YAML/],
    ['---\n- a\n- b\n---\nx', /must be "key: value" lines/],
    ['---\nsystem: hi\n---\n   \n', /the prompt is empty/],
  ];
  for (const [text, expected] of mistakes) {
    it(`names the mistake: ${JSON.stringify(text).slice(1, -1).slice(0, 60)}`, async () => {
      const result = await parsePromptFile(text);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.problem : '', expected);
    });
  }
});
