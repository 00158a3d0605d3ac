/** `*.prompt.md` files: CodeLenses "Run on <active>" and "Compare on N deployments", or the front matter's problem. */
import * as vscode from 'vscode';
import { parsePromptFile, type PromptFile } from '../../core/request/promptFile';
import { fill } from '../../core/request/template';
import type { ActiveDeployment } from '../deployments/activeDeployment';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { Disposable } from '../platform/disposable';
import type { Playground } from '../playground/playground';

export const PROMPT_FILES: vscode.DocumentSelector = { pattern: '**/*.prompt.md' };

export class PromptFiles extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly settings: DeploymentSettings, private readonly active: ActiveDeployment, private readonly playground: Playground) {
    super();
    this.register(settings.onDidChange(() => this.changed.fire()));
    this.register(active.onDidChange(() => this.changed.fire()));
    this.register(vscode.languages.registerCodeLensProvider(PROMPT_FILES, this));
    this.register(vscode.commands.registerCommand('fanout.runPromptFile', (uri?: vscode.Uri) => this.run(uri)));
    this.register(vscode.commands.registerCommand('fanout.comparePromptFile', (uri?: vscode.Uri) => this.compare(uri)));
  }

  private targets(file: PromptFile): string[] {
    return file.deployments ?? this.active.compareTargets;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const top = new vscode.Range(0, 0, 0, 0);
    const parsed = await parsePromptFile(document.getText());
    if (!parsed.ok) return [new vscode.CodeLens(top, { title: `$(warning) Fanout: ${parsed.problem}`, command: 'fanout.showLog' })];
    const unknown = (parsed.file.deployments ?? []).filter((id) => !this.settings.deployments.some((deployment) => deployment.id === id));
    if (unknown.length) return [new vscode.CodeLens(top, { title: `$(warning) Fanout: front matter: deployments names "${unknown[0]}", which is not configured`, command: 'fanout.editDeployments' })];
    const count = this.targets(parsed.file).length;
    return [
      new vscode.CodeLens(top, { title: `$(play) Run on ${this.active.id ?? 'the active deployment'}`, command: 'fanout.runPromptFile', arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: `$(split-horizontal) Compare on ${count} deployment${count === 1 ? '' : 's'}`, command: 'fanout.comparePromptFile', arguments: [document.uri] }),
    ];
  }

  private async read(uri?: vscode.Uri): Promise<PromptFile | undefined> {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document) return undefined;
    const parsed = await parsePromptFile(document.getText());
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(`Fanout: ${document.uri.path.split('/').pop()}: ${parsed.problem}`);
      return undefined;
    }
    return parsed.file;
  }

  async run(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const file = await this.read(uri);
    if (!file) return undefined;
    return this.active.runPrompt({
      ...(file.system ? { system: fill(file.system, file.variables) } : {}),
      messages: [{ role: 'user', content: fill(file.prompt, file.variables) }],
      params: file.params,
    }, 'prompt file');
  }

  async compare(uri?: vscode.Uri): Promise<void> {
    const file = await this.read(uri);
    if (!file) return;
    const panel = this.playground.open();
    await panel.whenReady;
    panel.setPrompt({ prompt: file.prompt, system: file.system, params: file.params, variables: file.variables, selected: this.targets(file) });
  }
}
