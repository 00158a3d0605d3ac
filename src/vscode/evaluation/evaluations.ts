/**
 * Evaluation in the editor: the "Fanout: Run Evaluation" command and a CodeLens on tests files (`*.fanout-tests.yaml`,
 * `.yml`, `.json`, and promptfoo's `promptfooconfig.yaml`), a cancellable progress notification (cancel keeps every
 * finished case; the next Run resumes), and one results view per tests file.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { EvaluationInputError } from '../../core/evaluation/suite';
import { Disposable } from '../platform/disposable';
import { EvaluationAnswers, EvaluationView } from './evaluationView';
import { EvaluationRunner, TESTS_FILE_NAME, type EvaluationRun, type EvaluationServices } from './evaluationRunner';

export const RUN_EVALUATION = 'fanout.runEvaluation';
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
  readonly views = new Map<string, EvaluationView>();
  /** The last problem shown for a tests file that could not run (tests read it). */
  lastProblem: string | null = null;

  private readonly media: vscode.Uri;

  constructor(services: EvaluationServices & { extensionUri: vscode.Uri }) {
    super();
    this.media = vscode.Uri.joinPath(services.extensionUri, 'media');
    this.runner = new EvaluationRunner(services);
    this.register(new EvaluationAnswers());
    this.register(vscode.languages.registerCodeLensProvider(TESTS_FILES, this));
    this.register(vscode.commands.registerCommand(RUN_EVALUATION, (uri?: unknown, deploymentIds?: unknown) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== 'file' || !TESTS_FILE_NAME.test(target.fsPath)) {
        void vscode.window.showInformationMessage('Fanout: open a tests file (name.fanout-tests.yaml or promptfooconfig.yaml) to run an evaluation.');
        return undefined;
      }
      return this.run(target.fsPath, Array.isArray(deploymentIds) ? { deploymentIds: deploymentIds.filter((id): id is string => typeof id === 'string') } : {});
    }));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(beaker) Run Evaluation', command: RUN_EVALUATION, arguments: [document.uri] })];
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
      this.viewOf(testsFile, run).show(run.matrix, false);
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

  private viewOf(testsFile: string, run: EvaluationRun): EvaluationView {
    let view = this.views.get(testsFile);
    if (!view) {
      view = new EvaluationView(testsFile, run.matrix, this.media, () => void this.run(testsFile, { deploymentIds: view!.matrix.deployments, only: EvaluationRunner.failed(view!.matrix) }));
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
