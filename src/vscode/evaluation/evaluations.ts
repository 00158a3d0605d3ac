/**
 * Evaluation in the editor: the "Fanout: Run Evaluation" command and a CodeLens on tests files (`*.fanout-tests.yaml`,
 * `.yml`, `.json`, and promptfoo's `promptfooconfig.yaml`), a cancellable progress notification (cancel keeps every
 * finished case; the next Run resumes), and one results view per tests file. "Run Evaluation as Batch" beside it
 * sends the same cases through the clouds' batch services (batchEvaluation.ts); the jobs list is batchJobs.ts.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readResults } from '../../core/evaluation/resultsFile';
import { EvaluationInputError } from '../../core/evaluation/suite';
import type { ResultsMatrix } from '../../core/evaluation/resultsMatrix';
import { Disposable } from '../platform/disposable';
import { submitEvaluationBatch, type BatchSubmission } from './batchEvaluation';
import { BATCH_JOBS_VIEW, BatchJobs } from './batchJobs';
import { EvaluationAnswers, EvaluationView } from './evaluationView';
import { EvaluationRunner, TESTS_FILE_NAME, resultsFileOf, type EvaluationRun, type EvaluationServices } from './evaluationRunner';

export const RUN_EVALUATION = 'fanout.runEvaluation';
export const RUN_EVALUATION_AS_BATCH = 'fanout.runEvaluationAsBatch';
const TESTS_FILES: vscode.DocumentSelector = [{ pattern: '**/*.fanout-tests.{yaml,yml,json}' }, { pattern: '**/promptfooconfig.{yaml,yml}' }];
const REFRESH_MS = 400;

export interface RunEvaluationOptions {
  deploymentIds?: string[];
  /** Stops the run as the notification's Cancel does. */
  signal?: AbortSignal;
  only?: string[];
}

export class Evaluations extends Disposable implements vscode.CodeLensProvider {
  readonly runner: EvaluationRunner;
  readonly batchJobs: BatchJobs;
  readonly views = new Map<string, EvaluationView>();
  /** The last problem shown for a tests file that could not run (tests read it). */
  lastProblem: string | null = null;

  private readonly media: vscode.Uri;

  constructor(private readonly services: EvaluationServices & { extensionUri: vscode.Uri }) {
    super();
    this.media = vscode.Uri.joinPath(services.extensionUri, 'media');
    this.runner = new EvaluationRunner(services);
    this.register(new EvaluationAnswers());
    this.register(vscode.languages.registerCodeLensProvider(TESTS_FILES, this));
    this.batchJobs = this.register(new BatchJobs({ ...services, runner: this.runner, showResults: (testsFile, ids) => this.showResults(testsFile, ids) }));
    const command = <T>(run: (testsFile: string, options: RunEvaluationOptions) => Promise<T>) => (uri?: unknown, deploymentIds?: unknown): Promise<T> | undefined => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== 'file' || !TESTS_FILE_NAME.test(target.fsPath)) {
        void vscode.window.showInformationMessage('Fanout: open a tests file (name.fanout-tests.yaml or promptfooconfig.yaml) to run an evaluation.');
        return undefined;
      }
      return run(target.fsPath, Array.isArray(deploymentIds) ? { deploymentIds: deploymentIds.filter((id): id is string => typeof id === 'string') } : {});
    };
    this.register(vscode.commands.registerCommand(RUN_EVALUATION, command((testsFile, options) => this.run(testsFile, options))));
    this.register(vscode.commands.registerCommand(RUN_EVALUATION_AS_BATCH, command((testsFile, options) => this.runAsBatch(testsFile, options))));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(beaker) Run Evaluation', command: RUN_EVALUATION, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: '$(cloud-upload) Run as Batch', tooltip: 'Send the cases through each cloud\'s batch service (about half the price; answers within 24 h)', command: RUN_EVALUATION_AS_BATCH, arguments: [document.uri] }),
    ];
  }

  /** Runs the tests file with a cancellable progress notification and shows its results view. */
  async run(testsFile: string, options: RunEvaluationOptions = {}): Promise<EvaluationRun | undefined> {
    const name = basename(testsFile);
    const view = this.views.get(testsFile);
    if (view) view.show(view.matrix, true);
    try {
      await vscode.workspace.save(vscode.Uri.file(testsFile)).then(undefined, () => undefined);
      const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fanout: evaluating ${name}`, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
        let done = 0;
        let refreshing: ReturnType<typeof setTimeout> | undefined;
        const result = await this.runner.run(testsFile, {
          ...options,
          signal: controller.signal,
          onCase: (line) => {
            done++;
            progress.report({ message: `${done} case${done === 1 ? '' : 's'} done (${line.deployment}: ${line.pass ? 'pass' : line.status === 'ok' ? 'fail' : 'error'})` });
            refreshing ??= setTimeout(() => {
              refreshing = undefined;
              const shown = this.views.get(testsFile);
              if (shown) void this.runner.matrixOf(testsFile, shown.matrix.deployments).then((matrix) => shown.show(matrix, true), () => undefined);
            }, REFRESH_MS);
          },
        });
        clearTimeout(refreshing);
        return result;
      });
      this.lastProblem = null;
      this.viewOf(testsFile, run.matrix).show(run.matrix, false, await this.pendingOf(testsFile));
      if (run.outcome.stopped === 'cancelled') {
        void vscode.window.showInformationMessage(`Fanout: evaluation of ${name} cancelled — ${run.outcome.unsent} case(s) not run; finished ones are kept and Run Evaluation resumes.`);
      }
      return run;
    } catch (error) {
      this.views.get(testsFile)?.show(this.views.get(testsFile)!.matrix, false);
      if (!(error instanceof EvaluationInputError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.lastProblem = `${name}: ${(error as Error).message}`;
      void vscode.window.showErrorMessage(`Fanout: ${this.lastProblem}. Nothing was sent.`);
      return undefined;
    }
  }

  /**
   * Sends the tests file as batch jobs (deployments without a batch service stream beside them), with a progress
   * notification; config problems are shown with their fix and nothing is uploaded.
   */
  async runAsBatch(testsFile: string, options: RunEvaluationOptions = {}): Promise<BatchSubmission | undefined> {
    const name = basename(testsFile);
    try {
      await vscode.workspace.save(vscode.Uri.file(testsFile)).then(undefined, () => undefined);
      const submission = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fanout: sending ${name} as a batch`, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
        progress.report({ message: 'checking the deployments, then uploading' });
        return submitEvaluationBatch(this.runner, this.services, testsFile, { ...(options.deploymentIds ? { deploymentIds: options.deploymentIds } : {}), signal: controller.signal });
      });
      if (!submission.ok) {
        this.lastProblem = `${name}: ${submission.problems.join(' · ')}`;
        void vscode.window.showErrorMessage(`Fanout: ${name} was not sent as a batch. ${submission.problems.join(' · ')}. Nothing was uploaded.`, { modal: false }, 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'fanout.deployments', edit: true } });
        });
        return submission;
      }
      this.lastProblem = null;
      await this.batchJobs.track(submission.resultsFile);
      await this.showResults(testsFile, submission.deployments);
      const jobs = submission.jobs.length;
      const notes = [
        jobs ? `${jobs} batch job${jobs === 1 ? '' : 's'} sent for ${name} (${[...new Set(submission.jobs.map((job) => job.deployment))].join(', ')}) — ${jobs === 1 ? 'it is' : 'they are'} listed in Fanout Batch Jobs, and you are told when ${jobs === 1 ? 'it finishes' : 'each finishes'}` : `no batch job was sent for ${name}`,
        ...(submission.resumed ? [`${submission.resumed} case(s) already answered or on their way were not sent again`] : []),
        ...(submission.streamed ? [submission.streamed] : []),
        ...(submission.refused.length ? [`refused: ${[...new Set(submission.refused)].join('; ')}`] : []),
      ];
      const show = submission.refused.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`Fanout: ${notes.join('. ')}.`, 'Show Jobs').then((choice) => choice && vscode.commands.executeCommand(`${BATCH_JOBS_VIEW}.focus`));
      return submission;
    } catch (error) {
      if (!(error instanceof EvaluationInputError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.lastProblem = `${name}: ${(error as Error).message}`;
      void vscode.window.showErrorMessage(`Fanout: ${this.lastProblem}. Nothing was uploaded.`);
      return undefined;
    }
  }

  /** Opens (or re-renders) the tests file's results view from its results file: batch cases, and those still in a job. */
  async showResults(testsFile: string, deploymentIds: string[]): Promise<void> {
    const matrix = await this.runner.matrixOf(testsFile, deploymentIds);
    this.viewOf(testsFile, matrix).show(matrix, false, await this.pendingOf(testsFile));
  }

  /** Keys of cases in batch jobs not yet fetched (the view marks them "in batch", not "not run"). */
  private async pendingOf(testsFile: string): Promise<ReadonlySet<string>> {
    const { jobs } = await readResults(resultsFileOf(testsFile)).catch(() => ({ jobs: [] as Array<{ fetched?: boolean; keys: string[] }> }));
    return new Set(jobs.filter((job) => !job.fetched).flatMap((job) => job.keys));
  }

  private viewOf(testsFile: string, matrix: ResultsMatrix): EvaluationView {
    let view = this.views.get(testsFile);
    if (!view) {
      view = new EvaluationView(testsFile, matrix, this.media, () => void this.run(testsFile, { deploymentIds: view!.matrix.deployments, only: EvaluationRunner.failed(view!.matrix) }));
      this.views.set(testsFile, view);
      const opened = view;
      opened.onDidClose(() => this.views.get(testsFile) === opened && this.views.delete(testsFile));
    }
    return view;
  }

  override dispose(): void {
    for (const view of this.views.values()) view.dispose();
    super.dispose();
  }
}
