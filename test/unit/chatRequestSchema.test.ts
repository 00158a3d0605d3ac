import * as assert from 'node:assert/strict';
import { checkMessages, checkTools, jsonPath, parseToolChoice, schemaNameOf } from '../../src/core/request/chatRequestSchema';

const weather = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const conversation = [
  { role: 'user', content: 'Weather in Paris?' },
  { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_weather', content: '{"celsius": 21}' }] },
];

describe('the conversation and tools schema', () => {
  it('takes messages of text or parts, in DESIGN.md shape, unchanged', () => {
    assert.deepEqual(checkMessages(conversation), { ok: true, value: conversation });
    assert.deepEqual(checkMessages([{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', data: 'iVBORw0K' }, { type: 'text', text: 'What is this?' }] }]).ok, true);
  });

  it('takes tools, and gives a tool without parameters an empty object schema', () => {
    assert.deepEqual(checkTools([weather, { name: 'now' }]), { ok: true, value: [weather, { name: 'now', parameters: { type: 'object', properties: {} } }] });
  });

  const messageMistakes: Array<[unknown, string, RegExp]> = [
    [{ role: 'user' }, '$', /must be a list of messages/],
    [[{ role: 'system', content: 'x' }], '$[0].role', /"system" is not valid — use "user", "assistant", "tool"/],
    [[{ role: 'user' }], '$[0].content', /missing — write "…" or \[\{"type": "text"/],
    [[{ role: 'user', content: 5 }], '$[0].content', /must be text or a list of parts, not number 5/],
    [[{ role: 'user', content: 'x', name: 'me' }], '$[0].name', /unknown field "name" — known fields: role, content/],
    [[{ role: 'user', content: [{ type: 'txt', text: 'x' }] }], '$[0].content[0].type', /"txt" is not a part type — every part has a "type": "text", "image", "reasoning", "tool-call", "tool-result"/],
    [[{ role: 'user', content: [{ text: 'x' }] }], '$[0].content[0].type', /missing — every part has a "type"/],
    [[{ role: 'user', content: [{ type: 'text', text: 3 }] }], '$[0].content[0].text', /must be text in quotes, not number 3/],
    [[{ role: 'user', content: [{ type: 'text', txt: 'x' }] }], '$[0].content[0].txt', /unknown field "txt" — did you mean "text"\?/],
    [[{ role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{"a":1}' }] }], '$[0].content[0].arguments', /must be an object, not text/],
    [[{ role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'get weather', arguments: {} }] }], '$[0].content[0].name', /is not a tool name — use letters, digits/],
    [[{ role: 'user', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: {} }] }], '$[0].content[0].type', /a tool-call part cannot be in a "user" message — move it to an assistant message/],
    [[{ role: 'tool', content: 'sunny' }], '$[0].content', /a "tool" message holds tool results/],
    [[conversation[0], { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_9', name: 'f', content: 'x' }] }], '$[1].content[0].toolCallId', /"call_9" answers no tool call earlier in the conversation — add the assistant message/],
    [[...conversation, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', name: 'get_weather', content: 'x' }] }], '$[3].content[0].toolCallId', /use the id of one: "call_1"/],
    [[conversation[0], conversation[1], { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_time', content: 'x' }] }], '$[2].content[0].name', /"get_time" is not the tool call "call_1" made — use "get_weather"/],
    [[conversation[0], conversation[1], conversation[1]], '$[2].content[1].id', /"call_1" is used by an earlier tool call/],
    [[{ role: 'user', content: [{ type: 'image', mediaType: 'image/png' }] }], '$[0].content[0]', /exactly one of "data" \(base64\) or "file"/],
    [[{ role: 'user', content: [{ type: 'image', mediaType: 'png', data: 'x' }] }], '$[0].content[0].mediaType', /use e\.g\. "image\/png"/],
  ];
  for (const [value, path, expected] of messageMistakes) {
    it(`names the place and the fix: ${path} ${expected.source.slice(0, 40)}`, () => {
      const checked = checkMessages(value);
      assert.equal(checked.ok, false);
      const [issue] = checked.ok ? [] : checked.issues;
      assert.equal(jsonPath(issue!.path), path);
      assert.match(issue!.message, expected);
    });
  }

  const toolMistakes: Array<[unknown, string, RegExp]> = [
    [weather, '$', /must be a list of tools/],
    [[{ description: 'x' }], '$[0].name', /missing — add name/],
    [[{ ...weather, parameter: {} }], '$[0].parameter', /unknown field "parameter" — did you mean "parameters"\?/],
    [[{ ...weather, parameters: { type: 'string' } }], '$[0].parameters', /must describe an object/],
    [[{ ...weather, parameters: [] }], '$[0].parameters', /must be an object, not a list/],
    [[weather, weather], '$[1].name', /"get_weather" names an earlier tool too/],
  ];
  for (const [value, path, expected] of toolMistakes) {
    it(`names the tool mistake: ${path} ${expected.source.slice(0, 40)}`, () => {
      const checked = checkTools(value);
      assert.equal(checked.ok, false);
      const [issue] = checked.ok ? [] : checked.issues;
      assert.equal(jsonPath(issue!.path), path);
      assert.match(issue!.message, expected);
    });
  }

  it('a tool choice is auto, none, required or one of the tools', () => {
    assert.deepEqual(parseToolChoice('required', [weather as never]), { ok: true, value: 'required' });
    assert.deepEqual(parseToolChoice('get_weather', [weather as never]), { ok: true, value: { name: 'get_weather' } });
    const wrong = parseToolChoice('get_wether', [weather as never]);
    assert.match(wrong.ok ? '' : wrong.problem, /"get_wether" is not a tool — did you mean "get_weather"\? use auto, none, required or a tool's name \(get_weather\)/);
  });

  it('names a schema after its file, in the shape every cloud takes', () => {
    assert.equal(schemaNameOf('schemas/person.schema.json'), 'person');
    assert.equal(schemaNameOf('C:\\x\\invoice v2.json'), 'invoice_v2');
    assert.equal(jsonPath([0, 'content', 1, 'a b']), '$[0].content[1]["a b"]');
  });
});
