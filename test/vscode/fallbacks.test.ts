/** Fallbacks in the editor: Run Selection and prompt-file Run fall back and say so (document, status bar); the drill sends nothing to the failing deployment. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

describe('fallbacks in the editor', () => {
  let emulators: Emulators;
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    const { api } = await activated();
    await setDeployments([
      { id: 'primary', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${emulators.openai.url}/v1`, fallbacks: ['backup'] },
      { id: 'backup', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: emulators.google.url },
    ]);
    await until(() => api.settings.deployments.length === 2, 'the deployments');
    await vscode.commands.executeCommand('fanout.setApiKey', 'primary', fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.setApiKey', 'backup', fixtures.KEYS.gemini);
    await vscode.commands.executeCommand('fanout.switchDeployment', 'primary');
  });
  after(async () => {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'fallback.prompt.md')).then(undefined, () => undefined);
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulators?.stop();
  });
  beforeEach(() => emulators.reset());

  it('Run Selection falls back on an outage, and the answer and the status bar say who answered', async () => {
    const { api } = await activated();
    emulators.openai.behaviour.reset({ default: { error: { status: 503 } } });
    const source = await vscode.workspace.openTextDocument({ content: 'Say hello' });
    const editor = await vscode.window.showTextDocument(source);
    editor.selection = new vscode.Selection(0, 0, 0, 9);
    const output = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.runSelection');
    assert.match(output.getText(), /^\[gemini-2\.0-flash\]/);
    assert.match(output.getText(), /answered by fallback backup \(primary: server\)/);
    await until(() => api.status.item.text.includes('↪ backup'), 'the status bar to say so');
  });

  it('prompt-file Run does not fall back on a bad key', async () => {
    emulators.openai.behaviour.reset({ default: { error: { status: 401 } } });
    const file = vscode.Uri.joinPath(folder(), 'fallback.prompt.md');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('Hello\n'));
    const output = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.runPromptFile', file);
    assert.match(output.getText(), /primary failed: .*401/);
    assert.equal(emulators.google.server.requests.length, 0);
  });

  it('Test Fallbacks drills the chain without calling the failing deployment', async () => {
    const { api } = await activated();
    const report = await api.drill.run('primary');
    assert.deepEqual(report?.map((line) => line.replace(/ \(\d+ ms\)/, '')), ['primary fails → backup answers', 'primary, backup fail → nothing answers: server — Drill: a synthetic outage of "backup" (no request was sent to it).']);
    assert.equal(emulators.openai.server.requests.length, 0);
    assert.equal(emulators.google.server.requests.length, 1);
  });
});
