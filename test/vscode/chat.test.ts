/** The deployments as language models in VS Code's chat. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

describe('deployments as chat models', () => {
  let emulators: Emulators;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    await activated();
  });
  after(async () => {
    await setDeployments(undefined);
    await emulators?.stop();
  });

  it('lists the deployments (silently, only those usable without asking) and streams a reply from an emulator', async function () {
    if (typeof vscode.lm?.selectChatModels !== 'function') this.skip();
    const { api } = await activated();
    const fixtures = await import('../support/fixtures');
    const all = fixtures.deploymentsFor(emulators);
    await setDeployments([all.openai, all.bedrock, all.gemini]);
    await until(() => api.settings.deployments.length === 3, 'the deployments');
    await vscode.commands.executeCommand('fanout.setApiKey', 'openai-mini', fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.removeApiKey', 'gemini-flash');
    await vscode.commands.executeCommand('fanout.setApiKey', 'bedrock-haiku', fixtures.KEYS.bedrockApiKey);
    let models: vscode.LanguageModelChat[] = [];
    for (let i = 0; i < 40 && models.length < 2; i++) {
      models = await vscode.lm.selectChatModels({ vendor: 'fanout' });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // gemini-flash has no key saved: asked silently, it is not offered
    assert.deepEqual(models.map((model) => model.id).sort(), ['bedrock-haiku', 'openai-mini']);
    const haiku = models.find((model) => model.id === 'bedrock-haiku')!;
    assert.equal(haiku.family, 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
    const response = await haiku.sendRequest([vscode.LanguageModelChatMessage.User('Hello from the chat')], {}, new vscode.CancellationTokenSource().token);
    let text = '';
    for await (const chunk of response.text) text += chunk;
    assert.match(text, /^\[us\.anthropic\.claude-3-5-haiku-20241022-v1:0\] Fanout streams/);
    assert.match(emulators.bedrock.server.requests.at(-1)?.body ?? '', /Hello from the chat/);
  });
});
