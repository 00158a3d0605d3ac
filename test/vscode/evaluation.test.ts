/** "Fanout: Run Evaluation" in a real extension host, against the loopback emulators. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EvaluationInputError } from '../../src/core/evaluation/suite';
import { EvaluationRunner, readSuite, resultsFileOf, type EvaluationRun } from '../../src/vscode/evaluation/evaluationRunner';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

const TESTS = `prompts:
  - "Tell me about {{topic}}"
limits:
  "*": { concurrency: 1 }
tests:
  - description: mentions fanout
    vars: { topic: tcp }
    assert:
      - type: contains
        value: Fanout
  - description: mentions zebras
    vars: { topic: udp }
    assert:
      - type: contains
        value: zebra
`;

describe('evaluation in the editor', () => {
  let emulators: Emulators;
  let folder: string;
  before(async () => {
    const fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    folder = await mkdtemp(join(tmpdir(), 'fanout-eval-'));
    const { api } = await activated();
    const pricing = { inputPerMTok: 1000, outputPerMTok: 2000 };
    await setDeployments([
      { id: 'cheap', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${emulators.openai.url}/v1`, pricing },
      { id: 'pricey', provider: 'openai-compatible', model: 'llama3.3', baseUrl: `${emulators.openai.url}/v1`, pricing },
    ]);
    await until(() => api.settings.deployments.length === 2, 'the deployments');
    await vscode.commands.executeCommand('fanout.setApiKey', 'cheap', fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.setApiKey', 'pricey', fixtures.KEYS.openai);
  });
  after(async () => {
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulators?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('runs a tests file: results file beside it, the matrix, spend in the ledger, cells that open answers', async () => {
    const { api } = await activated();
    const testsFile = join(folder, 'demo.fanout-tests.yaml');
    await writeFile(testsFile, TESTS);
    const before = await api.ledger.summary('today');
    const run = await vscode.commands.executeCommand<EvaluationRun>('fanout.runEvaluation', vscode.Uri.file(testsFile), ['cheap', 'pricey']);
    assert.ok(run, api.evaluations.lastProblem ?? 'no run');
    assert.equal(run.resultsFile, join(folder, '.fanout', 'eval-demo.jsonl'));
    const lines = (await readFile(run.resultsFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    const states = run.matrix.rows.map((row) => row.cells.map((cell) => cell.state));
    assert.deepEqual(states, [['pass', 'pass'], ['fail', 'fail']]);
    assert.match(run.matrix.rows[1]!.cells[0]!.reason, /^contains: /);
    const cheap = run.matrix.summary[0]!;
    assert.equal(cheap.passRate, 0.5);
    assert.ok(cheap.ttftP50 !== null && cheap.totalP95 !== null && cheap.costUsd! > 0);

    const spent = lines.reduce((sum, line) => sum + line.metrics.costUsd, 0);
    const after = await api.ledger.summary('today');
    assert.equal(after.requests, before.requests + 4);
    assert.ok(Math.abs(after.totalUsd - before.totalUsd - spent) < 1e-12);

    const view = api.evaluations.views.get(testsFile)!;
    assert.ok(view, 'the results view is open');
    assert.match(view.panel.webview.html, /title="contains: [^"]*zebra/);
    assert.match(view.panel.webview.html, /Content-Security-Policy" content="default-src 'none'/);
    const pass = run.matrix.rows[0]!.cells[0]!;
    await view.handle({ type: 'open', key: pass.key });
    const document = await vscode.workspace.openTextDocument(view.opened.at(-1)![0]!);
    assert.equal(document.getText(), lines.find((line) => line.key === pass.key).text);
    await view.handle({ type: 'diff', keys: [pass.key, run.matrix.rows[0]!.cells[1]!.key] });
    await until(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 'the diff editor');
  });

  it('cancel keeps what finished; the next Run resumes; Re-run failed sends only the failed cases', async () => {
    const { api } = await activated();
    const testsFile = join(folder, 'slow.fanout-tests.yaml');
    await writeFile(testsFile, TESTS);
    emulators.reset();
    // the first case answers, the second never does: cancel once the first is kept and the second is in flight,
    // by what the emulator and the results file show rather than by a guess at how long an answer takes
    emulators.openai.behaviour.next({}, { stallAfterTokens: 0 });
    const controller = new AbortController();
    const running = api.evaluations.run(testsFile, { deploymentIds: ['cheap'], signal: controller.signal });
    const keptLines = (): number => (existsSync(resultsFileOf(testsFile)) ? readFileSync(resultsFileOf(testsFile), 'utf8').trim().split('\n').filter(Boolean).length : 0);
    await until(() => emulators.openai.server.requests.length === 2 && keptLines() === 1, 'the first case kept and the second in flight', 15_000);
    const sentBefore = emulators.openai.server.requests.length;
    controller.abort();
    const cut = (await running)!;
    assert.equal(cut.outcome.stopped, 'cancelled');
    const kept = (await readFile(resultsFileOf(testsFile), 'utf8')).trim().split('\n').filter(Boolean).length;
    assert.equal(kept, 1, 'the first case finished and was kept; the second was cut off and not recorded');
    assert.ok(sentBefore >= 1);

    emulators.openai.behaviour.reset();
    const mark = emulators.openai.server.requests.length;
    const resumed = (await api.evaluations.run(testsFile, { deploymentIds: ['cheap'] }))!;
    assert.equal(resumed.resumed, 1);
    assert.equal(emulators.openai.server.requests.length - mark, 1, 'only the missing case was sent');
    assert.deepEqual(resumed.matrix.rows.map((row) => row.cells[0]!.state), ['pass', 'fail'], await readFile(resultsFileOf(testsFile), 'utf8'));

    const again = emulators.openai.server.requests.length;
    const view = api.evaluations.views.get(testsFile)!;
    await view.handle({ type: 'rerunFailed' });
    await until(() => emulators.openai.server.requests.length - again === 1 && !/running…/.test(view.panel.webview.html), 'the failed case to run again');
    assert.match(JSON.parse(emulators.openai.server.requests.at(-1)!.body).messages[0].content, /udp/);
  });

  it('in Restricted Mode a javascript assertion is refused, naming the test, and nothing is sent', async () => {
    const { api } = await activated();
    const testsFile = join(folder, 'code.fanout-tests.yaml');
    await writeFile(testsFile, 'prompts: ["Hi"]\ntests:\n  - assert:\n      - type: javascript\n        value: output.length > 0\n');
    await assert.rejects(readSuite(testsFile, false), (error: Error) => error instanceof EvaluationInputError && /^tests\[0\]\.assert\[0\]\.type: javascript assertions run only in the CLI and in trusted workspaces/.test(error.message));
    assert.equal((await readSuite(testsFile, true)).suite.tests.length, 1);
    const mark = emulators.openai.server.requests.length;
    const restricted = new EvaluationRunner({ settings: api.settings, credentials: { resolve: async () => ({ ok: false, message: 'unused' }) } as never, ledger: api.ledger, log: api.log, onSpend: async () => {}, isTrusted: () => false });
    await assert.rejects(restricted.run(testsFile), /trusted workspaces/);
    assert.equal(emulators.openai.server.requests.length, mark);
  });
});
