/** Every message from the webview is untrusted: valid ones pass, everything else is rejected without throwing. */
import * as assert from 'node:assert/strict';
import { MAX_IMAGES, MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MAX_TOOL_RESULT_CHARS, validateWebviewMessage } from '../../src/protocol';

const run = { type: 'run', system: '', prompt: 'Hello {{name}}', variables: { name: 'you' }, params: { temperature: 0.2, maxTokens: 100 }, deploymentIds: ['gpt', 'claude'], repeat: 3 };
const weather = { name: 'get_weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const runWithTools = { ...run, tools: [weather], toolChoice: { name: 'get_weather' }, responseFormat: { name: 'answer', schema: { type: 'object' }, strict: true } };
const image = { hash: 'a'.repeat(64), mediaType: 'image/png', name: 'chart.png' };
const runWithReasoning = { ...run, reasoning: { effort: 'high' }, images: [image, { hash: 'b'.repeat(64), mediaType: 'image/jpeg' }] };
const addImage = { type: 'addImage', name: 'pasted image.png', data: 'iVBORw0KGgo=' };
const followUp = { type: 'followUp', text: 'And tomorrow?', deploymentIds: ['gpt'] };
const toolResults = { type: 'toolResults', results: [{ deploymentId: 'gpt', toolCallId: 'call_abc123', content: '{"temperatureC": 21}' }, { deploymentId: 'claude', toolCallId: 'tooluse_Xy-9', content: 'no data', isError: true }] };

describe('webview → host message validation', () => {
  const valid: unknown[] = [
    { type: 'ready', hasResults: false }, run, { type: 'stop' }, { type: 'rerunColumn', deploymentId: 'gpt' }, { type: 'copy', deploymentId: 'gpt' },
    { type: 'insert', deploymentId: 'gpt' }, { type: 'compare', left: 'gpt', right: 'claude' }, { type: 'export', format: 'json' },
    { type: 'action', action: 'setApiKey', deploymentId: 'azure-4o' }, { type: 'openHistory', entryId: '0b8f3a2c-1111-4aaa-8bbb-123456789abc' },
    { type: 'saveSet', name: 'cheap ones', deploymentIds: ['gpt'] }, { type: 'deleteSet', name: 'cheap ones' },
    runWithTools, { ...run, tools: [weather], toolChoice: 'required', responseFormat: 'json' }, followUp, toolResults,
    runWithReasoning, { ...run, reasoning: { budgetTokens: 8000 } }, { ...run, reasoning: { effort: 'minimal' } }, { type: 'pickImages' }, addImage,
  ];
  for (const message of valid) {
    it(`accepts ${(message as { type: string }).type}`, () => assert.equal(validateWebviewMessage(message).ok, true, JSON.stringify(validateWebviewMessage(message))));
  }

  const invalid: Array<[string, unknown]> = [
    ['null', null], ['a string', 'run'], ['an array', [run]], ['no type', { prompt: 'x' }], ['an unknown type', { type: 'exec', command: 'rm -rf /' }],
    ['an extra field', { ...run, shell: 'bash' }], ['a wrong field type', { ...run, repeat: '3' }], ['a repeat out of range', { ...run, repeat: 1000 }],
    ['no deployments', { ...run, deploymentIds: [] }], ['a bad deployment id', { ...run, deploymentIds: ['../../etc/passwd'] }],
    ['a huge prompt', { ...run, prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }], ['a bad variable name', { ...run, variables: { 'a b': 'x' } }],
    ['temperature 3', { ...run, params: { temperature: 3 } }], ['an unknown parameter', { ...run, params: { seed: 1 } }],
    ['an unknown action', { type: 'action', action: 'runTerminal', deploymentId: 'gpt' }], ['an unknown export format', { type: 'export', format: 'html' }],
    ['a history id with a path', { type: 'openHistory', entryId: '../../secrets' }], ['a set name with control characters', { type: 'saveSet', name: 'a\u0000b', deploymentIds: [] }],
    ['__proto__ from JSON', JSON.parse('{"type":"stop","__proto__":{"polluted":true}}')], ['a constructor key', { type: 'stop', constructor: { prototype: {} } }],
    ['a tool choice naming a tool not offered', { ...runWithTools, toolChoice: { name: 'rm_rf' } }], ['one tool named twice', { ...run, tools: [weather, weather] }],
    ['a tool name with spaces', { ...run, tools: [{ ...weather, name: 'get weather' }] }], ['a tool without parameters', { ...run, tools: [{ name: 'x' }] }],
    ['a tool with an extra field', { ...run, tools: [{ ...weather, run: 'sh' }] }], ['parameters that are an array', { ...run, tools: [{ ...weather, parameters: [] }] }],
    ['an unknown response format', { ...run, responseFormat: 'yaml' }], ['a schema that is a string', { ...run, responseFormat: { name: 'a', schema: '{}' } }],
    ['an empty follow-up', { ...followUp, text: '' }], ['a follow-up to no column', { ...followUp, deploymentIds: [] }],
    ['a follow-up to a path', { ...followUp, deploymentIds: ['../etc'] }], ['no tool results', { type: 'toolResults', results: [] }],
    ['a tool-call id with spaces', { type: 'toolResults', results: [{ deploymentId: 'gpt', toolCallId: 'call 1; rm', content: 'x' }] }],
    ['a tool result that is not text', { type: 'toolResults', results: [{ deploymentId: 'gpt', toolCallId: 'call_1', content: { a: 1 } }] }],
    ['an unknown reasoning effort', { ...run, reasoning: { effort: 'extreme' } }], ['a reasoning budget below the minimum', { ...run, reasoning: { budgetTokens: 10 } }],
    ['a reasoning budget that is not whole', { ...run, reasoning: { budgetTokens: 1000.5 } }], ['reasoning as text', { ...run, reasoning: 'high' }],
    ['reasoning with both effort and budget', { ...run, reasoning: { effort: 'high', budgetTokens: 1000 } }],
    ['an image hash that is a path', { ...run, images: [{ ...image, hash: '../../etc/passwd' }] }], ['an image that is not an image type', { ...run, images: [{ ...image, mediaType: 'text/html' }] }],
    ['an image with its bytes in the run', { ...run, images: [{ ...image, data: 'iVBORw0KGgo=' }] }], ['an image name with a slash', { ...run, images: [{ ...image, name: 'a/b.png' }] }],
    [`more than ${MAX_IMAGES} images`, { ...run, images: Array.from({ length: MAX_IMAGES + 1 }, () => image) }],
    ['a pasted image that is not base64', { ...addImage, data: '<script>alert(1)</script>' }], ['a pasted image with no data', { ...addImage, data: '' }],
    ['a pasted image with a control character in its name', { ...addImage, name: 'a\u0000b' }], ['a pasted image with an extra field', { ...addImage, path: '/etc/passwd' }],
    ['a file picker with a path', { type: 'pickImages', path: '/etc' }],
    ['a tool result for a bad deployment id', { type: 'toolResults', results: [{ deploymentId: '', toolCallId: 'call_1', content: 'x' }] }],
  ];
  for (const [name, message] of invalid) {
    it(`rejects ${name}`, () => {
      const result = validateWebviewMessage(message);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.reason.length < 300, 'the reason is short and does not echo the content');
    });
  }

  it('survives 5,000 random malformed messages without throwing, polluting prototypes, or accepting nonsense', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = (): unknown => {
      const pick = Math.floor(random() * 10);
      return [null, undefined, 0, -1, 1e308, '', 'x'.repeat(Math.floor(random() * 5000)), [], {}, { type: 'run' }][pick];
    };
    const types = ['ready', 'run', 'stop', 'copy', 'compare', 'export', 'action', 'openHistory', 'saveSet', 'followUp', 'toolResults', 'addImage', 'nope', '__proto__', 'constructor'];
    const fields = ['deploymentId', 'prompt', 'params', 'format', 'left', 'name', '__proto__', 'repeat', 'text', 'deploymentIds', 'results', 'tools', 'toolChoice', 'responseFormat', 'reasoning', 'images', 'data'];
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const message: Record<string, unknown> = { type: types[Math.floor(random() * types.length)] };
      for (let k = 0; k < 3; k++) message[fields[Math.floor(random() * fields.length)]!] = values();
      const result = validateWebviewMessage(message);
      if (result.ok) accepted++;
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(accepted < 100, `${accepted} random messages were accepted`);
  });

  it('survives 3,000 mutations of valid run, follow-up and tool-result messages: never throws, accepts only what still fits', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const junk = (): unknown => [null, 0, 'x', '', [], {}, { type: 'object' }, [{}], 'call 1', '../x', true, 'x'.repeat(300)][Math.floor(random() * 12)];
    /** Replaces one value somewhere inside `value` (a field, an array item, a nested object) with junk. */
    const mutate = (value: unknown, depth = 0): unknown => {
      if (depth > 4 || typeof value !== 'object' || value === null || random() < 0.25) return junk();
      const copy: Record<string, unknown> = Array.isArray(value) ? [...value] as unknown as Record<string, unknown> : { ...value as Record<string, unknown> };
      const keys = Object.keys(copy);
      const key = random() < 0.15 || keys.length === 0 ? ['extra', 'toolCallId', 'isError', 'strict', '0'][Math.floor(random() * 5)]! : keys[Math.floor(random() * keys.length)]!;
      copy[key] = mutate(copy[key], depth + 1);
      return copy;
    };
    const seeds = [runWithTools, followUp, toolResults, runWithReasoning, addImage];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const message = mutate(seeds[i % seeds.length]);
      const result = validateWebviewMessage(message);
      if (result.ok) {
        accepted++;
        // whatever passed has the shape the host reads
        const checked = result.message;
        if (checked.type === 'toolResults') for (const item of checked.results) assert.equal(typeof item.content, 'string');
        if (checked.type === 'followUp') assert.ok(checked.text.length > 0 && checked.deploymentIds.length > 0);
        if (checked.type === 'run') for (const item of checked.images ?? []) assert.match(item.hash, /^[a-f0-9]{64}$/);
        if (checked.type === 'run' && checked.reasoning) assert.ok('effort' in checked.reasoning ? ['minimal', 'low', 'medium', 'high'].includes(checked.reasoning.effort) : Number.isInteger(checked.reasoning.budgetTokens));
        if (checked.type === 'addImage') assert.match(checked.data, /^[A-Za-z0-9+/]+={0,2}$/);
        if (checked.type === 'run' && typeof checked.toolChoice === 'object') assert.ok(checked.tools?.some((tool) => tool.name === (checked.toolChoice as { name: string }).name));
      } else {
        assert.ok(result.reason.length < 300);
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(accepted < 600, `${accepted} mutated messages were accepted`);
  });

  describe('a long tool result', () => {
    const withContent = (content: string) => ({ type: 'toolResults', results: [{ deploymentId: 'gpt', toolCallId: 'call_1', content }] });
    it(`accepts a 1 MB result, and one of exactly ${MAX_TOOL_RESULT_CHARS} characters`, () => {
      assert.equal(validateWebviewMessage(withContent('x'.repeat(1_048_576))).ok, true);
      assert.equal(validateWebviewMessage(withContent('x'.repeat(MAX_TOOL_RESULT_CHARS))).ok, true);
    });
    it('refuses one character more, saying the limit', () => {
      const result = validateWebviewMessage(withContent('x'.repeat(MAX_TOOL_RESULT_CHARS + 1)));
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, `type "toolResults": results.0.content is longer than ${MAX_TOOL_RESULT_CHARS} characters`);
    });
  });

  it(`takes a pasted image up to ${MAX_IMAGE_BYTES / 1024 / 1024} MB of base64, and refuses one byte's worth more, saying the limit`, () => {
    const limit = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;
    assert.equal(validateWebviewMessage({ ...addImage, data: 'A'.repeat(limit) }).ok, true);
    const result = validateWebviewMessage({ ...addImage, data: 'A'.repeat(limit + 4) });
    assert.equal(!result.ok && result.reason, 'type "addImage": data is larger than 50 MB');
  });

  it('a schema too deep to write as JSON is refused, not thrown', () => {
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 20_000; i++) deep = { properties: { a: deep } };
    const result = validateWebviewMessage({ ...run, responseFormat: { name: 'deep', schema: deep } });
    assert.equal(result.ok, false);
  });
});
