/**
 * The results view of one tests file: a webview panel re-rendered from the results file as cases arrive; a cell
 * opens its answer as a read-only document, two checked cells open in the diff editor, "Re-run failed" asks the
 * owner to run the failed and errored cases again.
 */
import * as vscode from 'vscode';
import { placeOf } from '../../core/evaluation/evaluationCase';
import { readResults } from '../../core/evaluation/resultsFile';
import type { ResultsMatrix } from '../../core/evaluation/resultsMatrix';
import { Disposable } from '../platform/disposable';
import { isEvaluationViewMessage } from '../../evaluationProtocol';
import { evaluationHtml } from './evaluationHtml';
import { resultsFileOf } from './evaluationRunner';

export const EVALUATION_VIEW_TYPE = 'fanout.evaluation';
export const ANSWER_SCHEME = 'fanout-eval-answer';

/** Read-only documents of answers, by results file and case key (read from the file when opened). */
export class EvaluationAnswers implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this);

  static uriOf(testsFile: string, key: string): vscode.Uri {
    const place = placeOf(key);
    const name = `${place?.deployment ?? 'answer'}-test${(place?.test ?? 0) + 1}.md`.replace(/[^\w.-]+/g, '_');
    return vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${name}`, query: new URLSearchParams({ file: testsFile, key }).toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const { lines } = await readResults(resultsFileOf(query.get('file') ?? ''));
    return lines.find((line) => line.key === query.get('key'))?.text ?? '';
  }

  dispose(): void {
    this.registration.dispose();
  }
}

export class EvaluationView extends Disposable {
  readonly panel: vscode.WebviewPanel;
  matrix: ResultsMatrix;
  /** Every `open` and `diff` the view asked for, newest last (tests read them). */
  readonly opened: vscode.Uri[][] = [];
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  constructor(readonly testsFile: string, matrix: ResultsMatrix, private readonly media: vscode.Uri, private readonly rerunFailed: () => void) {
    super();
    this.matrix = matrix;
    this.panel = this.register(vscode.window.createWebviewPanel(EVALUATION_VIEW_TYPE, `Evaluation: ${vscode.workspace.asRelativePath(testsFile)}`, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [media] }));
    this.register(this.panel.onDidDispose(() => {
      this.closed.fire();
      this.dispose();
    }));
    this.register(this.panel.webview.onDidReceiveMessage((message: unknown) => void this.handle(message)));
    this.show(matrix, false);
  }

  /** Keys of cases in batch jobs not yet fetched, as last shown. */
  pending: ReadonlySet<string> = new Set();

  show(matrix: ResultsMatrix, running: boolean, pending: ReadonlySet<string> = this.pending): void {
    this.matrix = matrix;
    this.pending = pending;
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'evaluation.js')).toString();
    this.panel.webview.html = evaluationHtml(this.panel.title, matrix, { cspSource: this.panel.webview.cspSource, script }, running, pending);
  }

  async handle(message: unknown): Promise<void> {
    if (!isEvaluationViewMessage(message)) return;
    switch (message.type) {
      case 'open': {
        const uri = EvaluationAnswers.uriOf(this.testsFile, message.key);
        this.opened.push([uri]);
        await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Active });
        return;
      }
      case 'diff': {
        const [left, right] = message.keys.map((key) => EvaluationAnswers.uriOf(this.testsFile, key)) as [vscode.Uri, vscode.Uri];
        this.opened.push([left, right]);
        await vscode.commands.executeCommand('vscode.diff', left, right, `${message.keys[0]} ↔ ${message.keys[1]}`);
        return;
      }
      case 'rerunFailed':
        this.rerunFailed();
        return;
    }
  }
}
