/** What the playground does with the shown answers: copy one, insert one at the cursor, compare two, export all. */
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { HostMessage } from '../../protocol';
import { exportJson, exportMarkdown } from './playgroundExport';
import type { PlaygroundServices } from './playgroundServices';
import type { ShownRun } from './shownRun';

export class AnswerActions {
  constructor(private readonly services: PlaygroundServices, private readonly shown: ShownRun, private readonly post: (message: HostMessage) => void) {}

  async copy(deploymentId: string): Promise<void> {
    const result = this.shown.resultOf(deploymentId);
    if (!result) return;
    await vscode.env.clipboard.writeText(result.text);
    this.post({ type: 'notice', level: 'info', text: `Copied the answer of ${deploymentId}.` });
  }

  /** Replaces the selection of the visible editor (not an output panel) with the answer. */
  async insert(deploymentId: string): Promise<void> {
    const result = this.shown.resultOf(deploymentId);
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.scheme !== 'output') ?? vscode.window.activeTextEditor;
    if (!result) return;
    if (!editor) {
      this.post({ type: 'notice', level: 'error', text: 'Open a file to insert into first.' });
      return;
    }
    await editor.edit((edit) => edit.replace(editor.selection, result.text));
  }

  /** Two answers side by side in the editor's diff view. */
  async compare(left: string, right: string): Promise<void> {
    const leftResult = this.shown.resultOf(left);
    const rightResult = this.shown.resultOf(right);
    if (!leftResult || !rightResult) return;
    await vscode.commands.executeCommand('vscode.diff', this.services.outputs.put(leftResult), this.services.outputs.put(rightResult), `${leftResult.deployment} ↔ ${rightResult.deployment}`);
  }

  /** Every shown answer with its conversation and tool calls, as a Markdown report or JSON, to a file the user picks. */
  async export(format: 'markdown' | 'json'): Promise<void> {
    const results = this.shown.results();
    if (results.length === 0) {
      this.post({ type: 'notice', level: 'error', text: 'Run a prompt first: there is nothing to export yet.' });
      return;
    }
    const target = await vscode.window.showSaveDialog({
      title: 'Export the Fanout run',
      filters: format === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] },
      defaultUri: vscode.Uri.file(`fanout-run.${format === 'markdown' ? 'md' : 'json'}`),
    });
    if (!target) return;
    const run = { prompt: this.shown.request?.prompt ?? '', results, setup: this.shown.conversation?.setup ?? { params: {} }, threads: this.shown.conversation?.snapshot() ?? {} };
    const body = format === 'markdown' ? exportMarkdown(run) : exportJson(run);
    if (target.scheme === 'file') await writeFile(target.fsPath, body, 'utf8');
    else await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(body));
    this.post({ type: 'notice', level: 'info', text: `Exported to ${target.path.split('/').pop()}.` });
  }
}
