/**
 * `*.prompt.md` files: CodeLenses "Run on <active>" and "Compare on N deployments", or the front matter's problem.
 * Run and Compare send the whole request the file describes: its conversation, tools, tool choice, schema, images and
 * reasoning; files it names (tools.json, chart.png) are read through the workspace's file system, relative to it.
 */
import * as vscode from 'vscode';
import type { ChatMessage, ChatRequest } from '../../core/request/chatRequest';
import { parsePromptFile, type PromptFile, type PromptFileOptions } from '../../core/request/promptFile';
import { fill } from '../../core/request/template';
import type { RunRequest } from '../../protocol';
import type { ActiveDeployment } from '../deployments/activeDeployment';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { Disposable } from '../platform/disposable';
import { draftOf } from '../playground/formDraft';
import type { Playground } from '../playground/playground';

export const PROMPT_FILES: vscode.DocumentSelector = { pattern: '**/*.prompt.md' };

/** Reads the files a prompt file names, relative to its folder, through the workspace's file system. */
export function readersFor(uri: vscode.Uri): PromptFileOptions {
  const folder = vscode.Uri.joinPath(uri, '..');
  const bytes = async (path: string): Promise<Uint8Array> => vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, path));
  return { readRelative: async (path) => new TextDecoder().decode(await bytes(path)), readRelativeBytes: bytes };
}

/** The file's turns with its variables filled into their text. */
function filled(messages: readonly ChatMessage[], variables: Record<string, string>): ChatMessage[] {
  return messages.map((message) => ({
    role: message.role,
    content: typeof message.content === 'string' ? fill(message.content, variables) : message.content.map((part) => (part.type === 'text' ? { ...part, text: fill(part.text, variables) } : part)),
  }));
}

/** The request a prompt file describes, as the engine takes it. */
export function requestOf(file: PromptFile): ChatRequest {
  return {
    ...(file.system ? { system: fill(file.system, file.variables) } : {}),
    messages: filled(file.messages, file.variables),
    params: file.params,
    ...(file.tools ? { tools: file.tools } : {}),
    ...(file.toolChoice ? { toolChoice: file.toolChoice } : {}),
    ...(file.responseFormat ? { responseFormat: file.responseFormat } : {}),
    ...(file.reasoning ? { reasoning: file.reasoning } : {}),
  };
}

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
    const parsed = await parsePromptFile(document.getText(), readersFor(document.uri));
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
    const parsed = await parsePromptFile(document.getText(), readersFor(document.uri));
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(`Fanout: ${document.uri.path.split('/').pop()}: ${parsed.problem}`);
      return undefined;
    }
    return parsed.file;
  }

  async run(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const file = await this.read(uri);
    if (!file) return undefined;
    return this.active.runPrompt(requestOf(file), 'prompt file');
  }

  /**
   * Fills the playground with the file (its images stored by hash, like attached ones). A file written as a
   * conversation runs at once: its earlier turns are each column's thread, which the form cannot hold.
   */
  async compare(uri?: vscode.Uri): Promise<void> {
    const file = await this.read(uri);
    if (!file) return;
    const panel = this.playground.open();
    await panel.whenReady;
    const images = await panel.storeImages((file.images ?? []).flatMap((part) => (part.type === 'image' && part.data ? [{ name: part.file ?? 'image', bytes: Buffer.from(part.data, 'base64') }] : [])));
    const draft = draftOf({ tools: file.tools ?? undefined, toolChoice: file.toolChoice ?? undefined, responseFormat: file.responseFormat ?? undefined, reasoning: file.reasoning ?? undefined });
    const selected = this.targets(file);
    panel.setPrompt({ prompt: file.prompt, system: file.system, params: file.params, variables: file.variables, selected, ...draft, images });
    if (file.messages.length <= 1) return;
    const last = file.messages.at(-1)!;
    const earlier = filled(last.role === 'user' ? file.messages.slice(0, -1) : file.messages, file.variables);
    const request: RunRequest = {
      type: 'run', system: file.system, prompt: last.role === 'user' ? file.prompt : '', variables: file.variables, params: file.params, deploymentIds: selected, repeat: 1,
      ...(file.tools ? { tools: file.tools } : {}), ...(file.toolChoice ? { toolChoice: file.toolChoice } : {}), ...(file.responseFormat ? { responseFormat: file.responseFormat } : {}),
      ...(file.reasoning ? { reasoning: file.reasoning } : {}),
      ...(images.length ? { images: images.map((image) => ({ hash: image.hash, mediaType: image.mediaType, name: image.name })) } : {}),
    };
    await panel.run(request, selected, false, earlier);
  }
}
