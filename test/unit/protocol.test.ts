/** Every message from the webview is untrusted: valid ones pass, everything else is rejected without throwing. */
import * as assert from 'node:assert/strict';
import { MAX_PROMPT_CHARS, validateWebviewMessage } from '../../src/protocol';

const run = { type: 'run', system: '', prompt: 'Hello {{name}}', variables: { name: 'you' }, params: { temperature: 0.2, maxTokens: 100 }, deploymentIds: ['gpt', 'claude'], repeat: 3 };

describe('webview → host message validation', () => {
  const valid: unknown[] = [
    { type: 'ready', hasResults: false }, run, { type: 'stop' }, { type: 'rerunColumn', deploymentId: 'gpt' }, { type: 'copy', deploymentId: 'gpt' },
    { type: 'insert', deploymentId: 'gpt' }, { type: 'compare', left: 'gpt', right: 'claude' }, { type: 'export', format: 'json' },
    { type: 'action', action: 'setApiKey', deploymentId: 'azure-4o' }, { type: 'openHistory', entryId: '0b8f3a2c-1111-4aaa-8bbb-123456789abc' },
    { type: 'saveSet', name: 'cheap ones', deploymentIds: ['gpt'] }, { type: 'deleteSet', name: 'cheap ones' },
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
    const types = ['ready', 'run', 'stop', 'copy', 'compare', 'export', 'action', 'openHistory', 'saveSet', 'nope', '__proto__', 'constructor'];
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const message: Record<string, unknown> = { type: types[Math.floor(random() * types.length)] };
      for (let k = 0; k < 3; k++) message[['deploymentId', 'prompt', 'params', 'format', 'left', 'name', '__proto__', 'repeat'][Math.floor(random() * 8)]!] = values();
      const result = validateWebviewMessage(message);
      if (result.ok) accepted++;
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(accepted < 100, `${accepted} random messages were accepted`);
  });
});
