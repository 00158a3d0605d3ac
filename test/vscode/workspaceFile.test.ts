/**
 * The workspace deployments file as tools write it: a `.vscode/fanout.json` that arrives together with its
 * `.vscode` folder (a checkout, `mkdir -p .vscode && cp …`) is read. The editor's recursive watcher starts
 * watching a new folder only once it has seen it, so a file created in it before that has no event of its own:
 * written here in one go, synchronously, that gap is hit more often than not.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activated, until } from './support';

describe('the workspace deployments file', () => {
  const folder = () => join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode');
  const present = (api: Awaited<ReturnType<typeof activated>>['api']) => api.settings.deployments.some((deployment) => deployment.id === 'ws-together');

  after(() => rmSync(folder(), { recursive: true, force: true }));

  it('is read when it arrives together with its .vscode folder, and forgotten when the folder goes', async () => {
    const { api } = await activated();
    if (existsSync(folder())) {
      // start from no folder at all (another suite may have left an empty one): wait for the editor to see it go
      const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode');
      const gone = new Promise<void>((resolve) => watcher.onDidDelete(() => resolve()));
      rmSync(folder(), { recursive: true, force: true });
      await gone;
      watcher.dispose();
    }
    assert.ok(!present(api));

    mkdirSync(folder());
    writeFileSync(join(folder(), 'fanout.json'), JSON.stringify({ deployments: [{ id: 'ws-together', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://127.0.0.1:9/v1' }] }));
    await until(() => present(api), 'the deployment in the new .vscode/fanout.json', 10_000);
    assert.equal(api.settings.sourceOf('ws-together'), 'workspace');

    rmSync(folder(), { recursive: true, force: true });
    await until(() => !present(api), 'the deployment to go with its folder', 10_000);
  });
});
