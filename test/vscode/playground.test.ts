/** The playground's host side in a real extension host, its webview loaded in a real browser. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments } from './support';

const SENTINEL = 'sk-fanout-sentinel-playground-0123456789';

describe('the playground host', () => {
  let emulators: Emulators;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    // the OpenAI emulator accepts the sentinel as its key, so a leak would come from a working credential
    (emulators.openai as unknown as { options: { apiKeys: string[] } }).options.apiKeys.push(SENTINEL);
    await activated();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setDeployments(undefined);
    await emulators?.stop();
  });

  it('opens, waits for the webview, runs a prompt on three clouds with batched deltas, and records it — without the key anywhere', async () => {
    const { api } = await activated();
    await setDeployments([
      { id: 'openai-mini', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${emulators.openai.url}/v1` },
      { id: 'bedrock-haiku', provider: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: emulators.bedrock.url },
      { id: 'gemini-flash', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: emulators.google.url },
    ]);
    const { KEYS } = await import('../support/fixtures');
    await vscode.commands.executeCommand('fanout.setApiKey', 'openai-mini', SENTINEL);
    await vscode.commands.executeCommand('fanout.setApiKey', 'bedrock-haiku', KEYS.bedrockApiKey);
    await vscode.commands.executeCommand('fanout.setApiKey', 'gemini-flash', KEYS.gemini);
    for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: { tokens: 200, tokensPerSecond: 1000 } });

    await vscode.commands.executeCommand('fanout.openPlayground');
    const panel = api.playground.current!;
    assert.ok(panel, 'the playground opened');
    await Promise.race([panel.whenReady, new Promise((_, reject) => setTimeout(() => reject(new Error('the webview never said ready')), 20_000))]);

    const before = panel.posted.length;
    await panel.run({ type: 'run', system: 'Be brief.', prompt: 'Hello {{who}}', variables: { who: 'clouds' }, params: { maxTokens: 300 }, deploymentIds: ['openai-mini', 'bedrock-haiku', 'gemini-flash'], repeat: 1 }, ['openai-mini', 'bedrock-haiku', 'gemini-flash'], false);
    const posted = panel.posted.slice(before);
    const results = posted.filter((message) => message.type === 'columnResult');
    assert.deepEqual(results.map((message) => message.type === 'columnResult' && [message.result.deploymentId, message.result.status]).sort(), [['bedrock-haiku', 'ok'], ['gemini-flash', 'ok'], ['openai-mini', 'ok']]);
    const deltas = posted.filter((message) => message.type === 'deltas');
    assert.ok(deltas.length > 0 && deltas.length < 100, `${deltas.length} delta messages for 600 tokens: they are not batched per frame`);
    assert.match(JSON.parse(emulators.openai.server.requests.at(-1)!.body).messages[1].content, /^Hello clouds$/);
    assert.ok(posted.some((message) => message.type === 'runFinished'));

    assert.doesNotMatch(JSON.stringify(panel.posted), new RegExp(SENTINEL), 'the key reached the webview');
    const history = readFileSync(api.history.file, 'utf8');
    assert.match(history, /Hello \{\{who\}\}/);
    assert.doesNotMatch(history, new RegExp(SENTINEL), 'the key reached the history file');
  });
});
