/** Activation, commands and settings validation, in a real VS Code extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, setDeployments, until } from './support';

describe('the extension in a real editor', () => {
  after(() => setDeployments(undefined));

  it('activates without loading any provider SDK', async () => {
    const { api } = await activated();
    const loaded = Object.keys(require.cache);
    const chunks = loaded.filter((file) => /[\\/]dist[\\/]providers[\\/]/.test(file));
    const sdks = loaded.filter((file) => /node_modules[\\/](openai|@aws-sdk|@google[\\/]genai|google-auth-library|@smithy)[\\/]/.test(file));
    assert.deepEqual(chunks, [], 'a provider chunk was loaded at activation');
    assert.deepEqual(sdks, [], 'an SDK was loaded at activation');
    assert.ok(loaded.some((file) => /[\\/]dist[\\/]extension\.js$/.test(file)), 'the bundle itself is loaded');
    console.log(`    activation: activate() ${api.activationMs.toFixed(1)} ms; module load to end of activate ${api.sinceLoadMs.toFixed(1)} ms`);
  });

  it('registers every command it contributes, under the Fanout category', async () => {
    const { extension } = await activated();
    const contributed = (extension.packageJSON.contributes.commands as Array<{ command: string; category: string }>);
    assert.ok(contributed.length >= 6);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of contributed) {
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
      assert.equal(category, 'Fanout', command);
    }
  });

  it('declares how it behaves in untrusted and virtual workspaces', async () => {
    const { extension } = await activated();
    assert.equal(extension.packageJSON.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('tells the user about a broken fanout.deployments entry, naming the field and the fix, and keeps the valid ones', async () => {
    const { api } = await activated();
    const before = api.settings.shownProblems.length;
    await setDeployments([
      { id: 'good', provider: 'openai', model: 'gpt-4o-mini' },
      { id: 'broken', provider: 'bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
    ]);
    await until(() => api.settings.shownProblems.length > before, 'the problem notification');
    const shown = api.settings.shownProblems.at(-1)!;
    assert.match(shown, /fanout\.deployments\[1\] \("broken"\)\.region: missing — Amazon Bedrock needs it: give the AWS region, e\.g\. "us-east-1"/);
    assert.deepEqual(api.settings.deployments.map((deployment) => deployment.id), ['good']);
    assert.equal(await vscode.commands.executeCommand('fanout.checkDeployments'), 1);
    await setDeployments([{ id: 'good', provider: 'openai', model: 'gpt-4o-mini' }]);
    await until(() => api.settings.issues.length === 0, 'the problem to clear');
  });
});
