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

  it('an editor chat model answers as a column: streamed, timed, tokens counted by the model, no per-token cost', async () => {
    const { runEditorModel, editorModelId } = await import('../../src/vscode/chat/editorChatModels');
    // VS Code lists only models of vendors declared in a manifest, so the test hands over a model object of the API's shape
    const model = {
      id: 'echo', vendor: 'copilot', family: 'echo-1', name: 'Echo', version: '1', maxInputTokens: 10_000,
      countTokens: async (text: string) => Math.ceil(text.length / 4),
      sendRequest: async (messages: vscode.LanguageModelChatMessage[]) => {
        const prompt = messages.map((message) => message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('')).join(' ');
        async function* text(): AsyncIterable<string> {
          for (const piece of ['echo', ': ', prompt]) {
            await new Promise((resolve) => setTimeout(resolve, 30));
            yield piece;
          }
        }
        return { text: text(), stream: text() };
      },
    } as unknown as vscode.LanguageModelChat;
    const pieces: string[] = [];
    const result = await runEditorModel(model, { system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }], params: {} }, new AbortController().signal, (text) => pieces.push(text));
    assert.equal(editorModelId(model), 'lm:copilot:echo');
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'echo: Be brief.\n\nHello');
    assert.deepEqual(pieces, ['echo', ': ', 'Be brief.\n\nHello']);
    assert.ok(result.metrics.ttftMs! >= 25 && result.metrics.totalMs! >= result.metrics.ttftMs! + 50);
    assert.equal(result.metrics.outputTokens, Math.ceil('echo: Be brief.\n\nHello'.length / 4));
    assert.equal(result.metrics.costUsd, null);
    assert.match(result.costNote ?? '', /chat subscription/);

    const refusing = { ...model, sendRequest: async () => { throw vscode.LanguageModelError.NoPermissions('denied'); } } as unknown as vscode.LanguageModelChat;
    const refused = await runEditorModel(refusing, { messages: [{ role: 'user', content: 'Hi' }], params: {} }, new AbortController().signal, () => {});
    assert.equal(refused.error?.kind, 'permission');
    assert.match(refused.error?.message ?? '', /did not let Fanout use Echo/);
  });
});
