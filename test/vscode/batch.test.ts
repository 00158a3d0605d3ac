/**
 * "Fanout: Run Evaluation as Batch" and the "Fanout Batch Jobs" list in a real extension host, against the OpenAI
 * emulator's files + batches service (test/emulators/openaiBatch.ts): a run sent as batch is listed, finishes, is
 * announced, fetched into the results view with its spend recorded once; a job cancelled from the list; a job the
 * CLI submitted (as a closed editor would have left it) found in the workspace's results file and followed.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BatchSubmission } from '../../src/vscode/evaluation/batchEvaluation';
import type { ListedJob } from '../../src/vscode/evaluation/batchJobs';
import { resultsFileOf } from '../../src/vscode/evaluation/evaluationRunner';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments, until } from './support';

const CAPITALS = ['France', 'Spain', 'Peru', 'Japan'];
const TESTS = `prompts:
  - "What is the capital of {{country}}?"
tests:
${CAPITALS.map((country) => `  - description: ${country}\n    vars: { country: ${country} }\n    assert:\n      - type: contains\n        value: Fanout`).join('\n')}
`;

type Api = Awaited<ReturnType<typeof activated>>['api'];

/** Polls the jobs list (as Refresh does) until `done` holds. */
async function refreshUntil(api: Api, done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    await api.evaluations.batchJobs.refresh();
    if (done()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const jsonLines = async (file: string): Promise<Array<Record<string, any>>> => (await readFile(file, 'utf8')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
const batchRequests = (emulators: Emulators) => emulators.openai.server.requests.filter((request) => /\/(files|batches)/.test(request.path));

describe('evaluation as batch in the editor', function () {
  this.timeout(60_000);
  let emulators: Emulators;
  let fixtures: typeof import('../support/fixtures');
  let folder: string;
  let count = 0;
  const testsFile = async (name: string): Promise<string> => {
    const file = join(folder, `${name}-${++count}.fanout-tests.yaml`);
    await writeFile(file, TESTS);
    return file;
  };
  const listed = (api: Api, file: string): ListedJob | undefined => api.evaluations.batchJobs.jobs.find((job) => job.resultsFile === resultsFileOf(file));

  before(async () => {
    fixtures = await import('../support/fixtures');
    emulators = await fixtures.startEmulators();
    // inside the workspace, where a reopened editor looks for results files
    folder = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'batch-evals');
    await mkdir(folder, { recursive: true });
    const { api } = await activated();
    const { openai, azure } = fixtures.deploymentsFor(emulators);
    await setDeployments([
      openai,
      { id: 'local-llama', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${emulators.openai.url}/v1`, pricing: { inputPerMTok: 1000, outputPerMTok: 2000 } },
      azure,
    ]);
    await until(() => api.settings.deployments.length === 3, 'the deployments');
    for (const id of ['openai-mini', 'local-llama']) await vscode.commands.executeCommand('fanout.setApiKey', id, fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.setApiKey', 'azure-gpt4o', fixtures.KEYS.azure);
  });
  after(async () => {
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulators?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('runs as batch: the job is listed, finishes with a notification, Fetch shows the cases and records spend once', async () => {
    const { api } = await activated();
    emulators.reset();
    emulators.openai.batches.knobs = { validatingMs: 30, inProgressMs: 60, finalizingMs: 30, cancellingMs: 30, failing: (customId) => customId.startsWith('3/') };
    const file = await testsFile('capitals');
    const before = await api.ledger.summary('today');

    const submission = await vscode.commands.executeCommand<BatchSubmission>('fanout.runEvaluationAsBatch', vscode.Uri.file(file), ['openai-mini', 'local-llama']);
    assert.ok(submission?.ok, api.evaluations.lastProblem ?? 'no submission');
    assert.equal(submission.jobs.length, 1);
    assert.match(submission.streamed ?? '', /^"local-llama": OpenAI-compatible has no batch service — its cases run streamed$/);
    assert.equal(batchRequests(emulators).filter((request) => request.method === 'POST' && /\/v1\/files$/.test(request.path)).length, 1, 'one input file uploaded');

    // the streamed deployment's cases are in, the batch job is recorded beside them and listed
    let lines = await jsonLines(submission.resultsFile);
    assert.equal(lines.filter((line) => line.key?.endsWith('/local-llama')).length, 4);
    const jobLine = lines.find((line) => line.batchJob);
    assert.deepEqual([jobLine?.deployment, jobLine?.tests, jobLine?.keys.length], ['openai-mini', file, 4]);
    assert.ok(listed(api, file), 'the job is listed');
    const view = api.evaluations.views.get(file)!;
    assert.ok(view, 'the results view is open');
    assert.equal((view.panel.webview.html.match(/… in batch/g) ?? []).length, 4, 'the batch cases show as in batch, not as not run');
    const streamedSpend = lines.filter((line) => line.key).reduce((sum, line) => sum + (line.metrics.costUsd ?? 0), 0);
    assert.ok(streamedSpend > 0);

    await refreshUntil(api, () => api.evaluations.batchJobs.notices.some((notice) => notice.startsWith('Batch on openai-mini')), 'the finish notification');
    assert.ok(api.evaluations.batchJobs.notices.includes('Batch on openai-mini finished: 3 answered, 1 failed'), api.evaluations.batchJobs.notices.join('\n'));
    const row = api.evaluations.batchJobs.getTreeItem(listed(api, file)!);
    assert.equal(row.contextValue, 'fanout.batchJob.finished');
    assert.match(String(row.description), /^finished — fetch · 3 of 4 answered, 1 failed · just now$/);

    const fetched = await vscode.commands.executeCommand<number>('fanout.fetchBatchJob', listed(api, file));
    assert.equal(fetched, 4, 'three answers and the failed line as an error case');
    lines = await jsonLines(submission.resultsFile);
    const batchCases = lines.filter((line) => line.key?.endsWith('/openai-mini'));
    assert.equal(batchCases.length, 4);
    assert.ok(batchCases.every((line) => line.metrics.batch === true));
    const answered = batchCases.filter((line) => line.status === 'ok');
    assert.equal(answered.length, 3);
    for (const line of answered) assert.ok(Math.abs(line.metrics.costUsd - line.metrics.streamedCostUsd / 2) < 1e-15, 'the batch rate is half the streamed price');
    assert.equal(listed(api, file)!.job.fetched, true);
    assert.equal(api.evaluations.batchJobs.getTreeItem(listed(api, file)!).contextValue, 'fanout.batchJob.fetched');

    // the results view: the batch cells, and the cost at the batch rate with the streamed price beside it
    await until(() => !/… in batch/.test(view.panel.webview.html), 'the view to show the fetched cases');
    assert.deepEqual(view.matrix.rows.map((matrixRow) => matrixRow.cells.map((cell) => cell.state)), [['pass', 'pass'], ['pass', 'pass'], ['pass', 'pass'], ['error', 'pass']]);
    assert.match(view.panel.webview.html, /<span class="badge"[^>]*>batch<\/span><br><span class="streamed">streamed \$/);

    const batchSpend = answered.reduce((sum, line) => sum + line.metrics.costUsd, 0);
    const after = await api.ledger.summary('today');
    assert.equal(after.requests - before.requests, 4 + 3, 'four streamed answers and three batch answers (the failed line costs nothing)');
    assert.ok(Math.abs(after.totalUsd - before.totalUsd - streamedSpend - batchSpend) < 1e-12);

    // fetching again adds nothing: no line, no spend
    assert.equal(await vscode.commands.executeCommand<number>('fanout.fetchBatchJob', listed(api, file)), 0);
    assert.equal((await jsonLines(submission.resultsFile)).filter((line) => line.key).length, 8);
    const again = await api.ledger.summary('today');
    assert.deepEqual([again.requests, again.totalUsd], [after.requests, after.totalUsd]);
  });

  it('cancels a running job from the list; Fetch brings in what it finished', async () => {
    const { api } = await activated();
    emulators.reset();
    emulators.openai.batches.knobs = { validatingMs: 10, inProgressMs: 600_000, finalizingMs: 10, cancellingMs: 30, cancelKeeps: 1 };
    const file = await testsFile('cancelled');
    const submission = await api.evaluations.runAsBatch(file, { deploymentIds: ['openai-mini'] });
    assert.ok(submission?.ok, api.evaluations.lastProblem ?? 'no submission');
    assert.equal(submission.streamed, null);
    await refreshUntil(api, () => listed(api, file)?.job.status?.state === 'running', 'the job to run');
    assert.equal(api.evaluations.batchJobs.getTreeItem(listed(api, file)!).contextValue, 'fanout.batchJob.running');

    assert.equal(await vscode.commands.executeCommand<boolean>('fanout.cancelBatchJob', listed(api, file)), true);
    assert.ok(batchRequests(emulators).some((request) => request.method === 'POST' && /\/cancel$/.test(request.path)));
    await refreshUntil(api, () => listed(api, file)?.job.status?.state === 'cancelled', 'the job to be cancelled');
    assert.ok(api.evaluations.batchJobs.notices.includes('Batch on openai-mini was cancelled: 1 of 4 answered'), api.evaluations.batchJobs.notices.join('\n'));

    assert.equal(await vscode.commands.executeCommand<number>('fanout.fetchBatchJob', listed(api, file)), 1);
    assert.deepEqual(listed(api, file)!.job.missing?.length, 3);
    assert.match(api.evaluations.batchJobs.notices.at(-1)!, /^fetched 1 case from the batch on openai-mini; 3 never answered/);
  });

  it('picks up a job another process left in the workspace\'s results file, follows it and fetches it', async () => {
    const { api } = await activated();
    emulators.reset();
    const file = await testsFile('reopened');
    const config = join(folder, 'fanout.json');
    await writeFile(config, JSON.stringify({ deployments: [fixtures.deploymentsFor(emulators).openai] }));
    // the CLI submits and exits (as an editor closed after submitting leaves it: nothing but the file knows the job)
    const { main } = await import('../../src/cli/main');
    let stderr = '';
    const code = await main(['eval', '--config', config, '--tests', file, '--batch', '--no-wait', '--output', resultsFileOf(file)], { stdout: () => {}, stderr: (text) => (stderr += text), env: { OPENAI_API_KEY: fixtures.KEYS.openai }, readStdin: async () => '' });
    assert.equal(code, 0, stderr);
    assert.equal(listed(api, file), undefined, 'not known before the list looks');

    await refreshUntil(api, () => listed(api, file)?.job.status?.state === 'completed', 'the job found in the file and finished');
    assert.ok(api.evaluations.batchJobs.notices.includes('Batch on openai-mini finished: 4 answered, 0 failed'), api.evaluations.batchJobs.notices.join('\n'));
    assert.equal(await vscode.commands.executeCommand<number>('fanout.fetchBatchJob', listed(api, file)), 4);
    const view = api.evaluations.views.get(file)!;
    await until(() => view?.matrix.rows.every((row) => row.cells[0]!.state === 'pass'), 'the fetched cases in the results view');
  });

  it('names config problems before anything is uploaded: Azure without a batch deployment, a workspace file\'s "batch" refused', async () => {
    const { api } = await activated();
    emulators.reset();
    const file = await testsFile('misconfigured');
    const problems = await api.evaluations.runAsBatch(file, { deploymentIds: ['azure-gpt4o', 'openai-mini'] });
    assert.equal(problems?.ok, false);
    assert.match(api.evaluations.lastProblem ?? '', /deployment "azure-gpt4o": Azure OpenAI runs batches only on a Global Batch or Data Zone Batch deployment — .*add "batch": \{"deployment": "NAME"\}/);
    assert.deepEqual(batchRequests(emulators), [], 'nothing uploaded');
    assert.ok(!existsSync(resultsFileOf(file)) || !(await readFile(resultsFileOf(file), 'utf8')).includes('batchJob'));

    const dotVscode = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode');
    mkdirSync(dotVscode, { recursive: true });
    writeFileSync(join(dotVscode, 'fanout.json'), JSON.stringify({ deployments: [{ id: 'ws-batch', provider: 'azure-openai', model: 'gpt-4o', deployment: 'prod-gpt4o', endpoint: emulators.openai.url, batch: { deployment: 'batch-gpt4o' } }] }));
    try {
      await until(() => api.settings.issues.some((issue) => issue.path.endsWith('"ws-batch".batch')), 'the workspace file read', 10_000);
      const refused = await api.evaluations.runAsBatch(file, { deploymentIds: ['openai-mini', 'ws-batch'] });
      assert.equal(refused?.ok, false);
      assert.match(api.evaluations.lastProblem ?? '', /\.vscode\/fanout\.json: "ws-batch"\.batch: not allowed in a workspace file \(a workspace cannot choose where your prompts and answers are written, or which role is assumed\) — set it in your user settings/);
      assert.deepEqual(batchRequests(emulators), [], 'nothing uploaded');
      // a run that does not ask for that deployment is not held up by it
      const unrelated = await api.evaluations.runAsBatch(file, { deploymentIds: ['openai-mini'] });
      assert.equal(unrelated?.ok, true, api.evaluations.lastProblem ?? '');
    } finally {
      rmSync(join(dotVscode, 'fanout.json'), { force: true });
      await until(() => !api.settings.issues.some((issue) => issue.path.includes('ws-batch')), 'the workspace file gone', 10_000);
    }
  });
});
