/** Prompt files where they are written: CodeLenses, Run on the active deployment, Compare in the playground. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

describe('prompt files', () => {
  let emulators: Emulators;
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    await activated();
  });
  after(async () => {
    for (const name of ['hello.prompt.md', 'broken.prompt.md']) await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), name)).then(undefined, () => undefined);
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulators?.stop();
  });

  it('offers Run and Compare lenses, names a front matter mistake, and runs with the file\'s system prompt, variables and parameters', async () => {
    const { api } = await activated();
    const fixtures = await import('../support/fixtures');
    await setDeployments([
      { id: 'cheap', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${emulators.openai.url}/v1` },
      { id: 'pricey', provider: 'openai-compatible', model: 'llama3.3', baseUrl: `${emulators.openai.url}/v1` },
      { id: 'other', provider: 'openai-compatible', model: 'llama3.1', baseUrl: `${emulators.openai.url}/v1` },
    ]);
    await until(() => api.settings.deployments.length === 3, 'the deployments');
    for (const id of ['cheap', 'pricey', 'other']) await vscode.commands.executeCommand('fanout.setApiKey', id, fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.switchDeployment', 'cheap');
    const hello = vscode.Uri.joinPath(folder(), 'hello.prompt.md');
    await vscode.workspace.fs.writeFile(hello, new TextEncoder().encode('---\ndeployments: [cheap, pricey]\nsystem: Be brief.\ntemperature: 0.3\nmaxTokens: 50\nvariables:\n  who: clouds\n---\nHello {{who}}\n'));
    const broken = vscode.Uri.joinPath(folder(), 'broken.prompt.md');
    await vscode.workspace.fs.writeFile(broken, new TextEncoder().encode('---\ntemprature: 0.3\n---\nHello\n'));

    const helloDocument = await vscode.workspace.openTextDocument(hello);
    const brokenDocument = await vscode.workspace.openTextDocument(broken);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', helloDocument.uri);
    assert.deepEqual(lenses.map((lens) => lens.command?.title), ['$(play) Run on cheap', '$(split-horizontal) Compare on 2 deployments']);
    const problems = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', brokenDocument.uri);
    assert.match(problems[0]?.command?.title ?? '', /front matter: unknown field "temprature" — did you mean "temperature"\?/);

    const output = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.runPromptFile', hello);
    assert.match(output.getText(), /^\[llama3\.2\] Fanout streams/);
    const body = JSON.parse(emulators.openai.server.requests.at(-1)!.body);
    assert.deepEqual(body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello clouds' }]);
    assert.equal(body.temperature, 0.3);
    assert.equal(body.max_tokens, 50);

    await vscode.commands.executeCommand('fanout.comparePromptFile', hello);
    const panel = api.playground.current!;
    await until(() => panel.posted.some((message) => message.type === 'setPrompt'), 'the playground to get the prompt');
    const sent = panel.posted.filter((message) => message.type === 'setPrompt').at(-1)!;
    assert.deepEqual(sent.type === 'setPrompt' && [sent.prompt, sent.selected, sent.params, sent.variables], ['Hello {{who}}', ['cheap', 'pricey'], { temperature: 0.3, maxTokens: 50 }, { who: 'clouds' }]);
  });
});
