/** The active deployment, the status bar and the spend ledger, in a real extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SpendLedger } from '../../src/core/storage/ledger';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

describe('switch deployments, see spend', () => {
  let emulators: Emulators;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    await activated();
  });
  after(async () => {
    await vscode.workspace.getConfiguration().update('fanout.spend.monthlyBudgetUsd', undefined, vscode.ConfigurationTarget.Global);
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulators?.stop();
  });

  it('switching from the quick pick changes the active deployment and the status bar', async () => {
    const { api } = await activated();
    const pricing = { inputPerMTok: 1000, outputPerMTok: 2000 };
    await setDeployments([
      { id: 'cheap', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${emulators.openai.url}/v1`, pricing },
      { id: 'pricey', provider: 'openai-compatible', model: 'llama3.3', baseUrl: `${emulators.openai.url}/v1`, pricing },
    ]);
    await until(() => api.settings.deployments.length === 2, 'the deployments');
    await vscode.commands.executeCommand('fanout.switchDeployment', 'cheap');
    await api.status.refresh();
    assert.match(api.status.item.text, /cheap/);
    const highlighted: string[] = [];
    const listening = api.active.onDidHighlight((id) => highlighted.push(id));
    try {
      const picking = vscode.commands.executeCommand<string | undefined>('fanout.switchDeployment');
      // move through the open list by its events, not by waiting a fixed time for it to open
      await until(() => highlighted.length > 0, 'the switcher to open');
      if (!highlighted.includes('pricey')) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await until(() => highlighted.at(-1) === 'pricey', 'pricey to be highlighted', 5000);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await picking, 'pricey');
    } finally {
      listening.dispose();
    }
    await until(() => /pricey/.test(api.status.item.text), 'the status bar to follow', 5000);
    assert.equal(api.active.id, 'pricey');
    assert.match(api.status.item.accessibilityInformation?.label ?? '', /active deployment pricey/);
  });

  it('runs the selection on the active deployment, streaming into an editor beside, and counts its cost', async () => {
    const { api } = await activated();
    const key = await import('../support/fixtures');
    await vscode.commands.executeCommand('fanout.setApiKey', 'pricey', key.KEYS.openai);
    await vscode.commands.executeCommand('fanout.switchDeployment', 'pricey');
    const source = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'Explain TCP in one line.\nignored line' });
    const editor = await vscode.window.showTextDocument(source);
    editor.selection = new vscode.Selection(0, 0, 0, source.lineAt(0).text.length);
    const before = (await api.ledger.summary('today')).requests;
    const output = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.runSelection');
    assert.match(output.getText(), /^\[llama3\.3\] Fanout streams/);
    assert.match(output.getText(), /\*pricey · first token \d+\sms · total \d+\sms · 12 tokens · \$/);
    assert.match(JSON.parse(emulators.openai.server.requests.at(-1)!.body).messages[0].content, /^Explain TCP in one line\.$/);
    assert.equal((await api.ledger.summary('today')).requests, before + 1);
  });

  it('running prompts raises the spend by exactly the priced amount; the budget warns once; the ledger is read back after a restart', async () => {
    const { api } = await activated();
    const key = await import('../support/fixtures');
    await vscode.commands.executeCommand('fanout.setApiKey', 'cheap', key.KEYS.openai);
    await vscode.commands.executeCommand('fanout.setApiKey', 'pricey', key.KEYS.openai);
    const before = (await api.ledger.summary('today')).totalUsd;
    await vscode.commands.executeCommand('fanout.openPlayground');
    const panel = api.playground.current!;
    await panel.whenReady;
    const mark = panel.posted.length;
    await panel.run({ type: 'run', system: '', prompt: 'Hello', variables: {}, params: {}, deploymentIds: ['cheap', 'pricey'], repeat: 2 }, ['cheap', 'pricey'], false);
    const priced = panel.posted.slice(mark).flatMap((message) => (message.type === 'columnResult' ? [message.result.metrics.costUsd ?? 0] : []));
    assert.equal(priced.length, 4);
    const expected = priced.reduce((sum, cost) => sum + cost, 0);
    assert.ok(expected > 0);
    const after = (await api.ledger.summary('today')).totalUsd;
    assert.ok(Math.abs(after - before - expected) < 1e-12, `spend rose by ${after - before}, the answers cost ${expected}`);
    await api.status.refresh();
    assert.match(api.status.item.text, /\$[\d.]+ today/);
    assert.equal(api.status.item.backgroundColor, undefined);

    await vscode.workspace.getConfiguration().update('fanout.spend.monthlyBudgetUsd', after / 2, vscode.ConfigurationTarget.Global);
    await until(() => api.status.notices.length > 0, 'the budget notification', 5000);
    await api.status.refresh();
    const background = api.status.item.backgroundColor as unknown as vscode.ThemeColor | undefined;
    assert.equal(background?.id, 'statusBarItem.warningBackground');
    assert.match(api.status.notices.at(-1)!, /reached the budget/);
    const shown = api.status.notices.length;
    await api.status.refresh();
    assert.equal(api.status.notices.length, shown, 'the same threshold is not told twice');
    const tooltip = api.status.item.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /\| cheap \| \$/);
    assert.match(tooltip.value, /Prices as of \d{4}-\d{2}-\d{2}/);

    // what a restarted extension host reads: the same file, a new ledger
    assert.ok(Math.abs((await new SpendLedger(api.ledger.file).summary('today')).totalUsd - after) < 1e-12);
    const report = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.showSpend');
    assert.match(report.getText(), /## Per deployment/);
  });
});
