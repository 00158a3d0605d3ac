/**
 * The playground's host side: one webview panel. Messages to the webview wait for its `ready`; every message
 * from it is validated, then handed to the part that does it (one handler per message type). Runs keep going
 * while the panel is hidden, and stop when it closes.
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ChatMessage } from '../../core/request/chatRequest';
import { validateWebviewMessage, type ImageView, type HostMessage, type HostMessageOf, type RunRequest, type WebviewMessage, type WebviewMessageOf } from '../../protocol';
import { Disposable } from '../platform/disposable';
import { AnswerActions } from './answerActions';
import { applyFix } from './columnActions';
import { DeploymentSets } from './deploymentSets';
import { PlaygroundChannel } from './playgroundChannel';
import { PlaygroundDeployments } from './playgroundDeployments';
import { playgroundHtml } from './playgroundHtml';
import { ImageStore } from './imageStore';
import { PlaygroundImages } from './playgroundImages';
import type { PlaygroundServices } from './playgroundServices';
import { RunController } from './runController';
import { RunHistory } from './runHistory';
import { ShownRun } from './shownRun';

export const PLAYGROUND_VIEW_TYPE = 'fanout.playground';

/** Where attached images are stored by hash: beside the history, in the extension's global storage. */
export const imagesFolder = (services: Pick<PlaygroundServices, 'history'>): vscode.Uri => vscode.Uri.file(join(dirname(services.history.file), 'images'));

type WebviewMessageHandlers = { [Type in WebviewMessage['type']]: (message: WebviewMessageOf<Type>) => Promise<void> | void };

export class PlaygroundPanel extends Disposable {
  private readonly channel: PlaygroundChannel;
  private readonly deployments: PlaygroundDeployments;
  private readonly sets: DeploymentSets;
  private readonly history: RunHistory;
  private readonly runs: RunController;
  private readonly answers: AnswerActions;
  private readonly images: PlaygroundImages;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  /** `restored`: the panel came back after a window reload (the serializer made it). */
  constructor(readonly panel: vscode.WebviewPanel, private readonly services: PlaygroundServices, private readonly restored = false) {
    super();
    const media = vscode.Uri.joinPath(services.extensionUri, 'media');
    const images = imagesFolder(services);
    // the webview loads the built media and the stored images, nothing else
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, images] };
    panel.webview.html = playgroundHtml(panel.webview, media, vscode.Uri.joinPath);
    panel.iconPath = vscode.Uri.joinPath(media, 'fanout.svg');

    this.channel = new PlaygroundChannel(panel.webview);
    const post = (message: HostMessage) => this.channel.post(message);
    const shown = new ShownRun();
    this.deployments = new PlaygroundDeployments(services.settings);
    this.sets = new DeploymentSets(services.globalState);
    this.images = new PlaygroundImages(new ImageStore(images.fsPath), images, panel.webview, post, services.log);
    this.history = new RunHistory(services, this.deployments, shown, this.images, post);
    this.runs = new RunController(services, this.deployments, shown, this.history, this.images, post);
    this.answers = new AnswerActions(services, shown, post);

    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.register(panel.onDidDispose(() => {
      this.runs.stop();
      this.closed.fire();
      this.dispose();
    }));
    this.register(services.settings.onDidChange(() => this.postDeployments()));
    if (typeof vscode.lm?.onDidChangeChatModels === 'function') {
      this.register(vscode.lm.onDidChangeChatModels(async () => {
        await this.deployments.refreshEditorModels();
        this.postDeployments();
      }));
    }
  }

  /** Resolves when the webview has loaded and said `ready`. */
  get whenReady(): Promise<void> {
    return this.channel.whenReady;
  }

  /** Every message posted, kept for tests of what reaches the webview (bounded). */
  get posted(): readonly HostMessage[] {
    return this.channel.posted;
  }

  get isRunning(): boolean {
    return this.runs.isRunning;
  }

  setPrompt(content: Omit<HostMessageOf<'setPrompt'>, 'type'>): void {
    this.channel.post({ type: 'setPrompt', ...content });
  }

  /** Stores images (a prompt file's) by hash, and gives them as the prompt shows them (for `setPrompt` to attach). */
  async storeImages(files: ReadonlyArray<{ name: string; bytes: Uint8Array }>): Promise<ImageView[]> {
    return this.images.add(files, false);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Runs the request on `ids` (all of the request's, or one column again), `repeat` times in a row; `earlier`: turns before the prompt. */
  run(request: RunRequest, ids: string[], partial: boolean, earlier: readonly ChatMessage[] = []): Promise<void> {
    return this.runs.run(request, ids, partial, earlier);
  }

  private postDeployments(): void {
    this.channel.post({ type: 'deployments', deployments: this.deployments.views() });
  }

  private readonly handlers: WebviewMessageHandlers = {
    ready: (message) => this.open(message.hasResults),
    run: (message) => this.runs.run(message, message.deploymentIds, false),
    followUp: (message) => this.runs.followUp(message.text, message.deploymentIds),
    toolResults: (message) => this.runs.toolResults(message.results),
    stop: () => this.runs.stop(),
    pickImages: () => this.images.pick(),
    addImage: async (message) => void await this.images.add([{ name: message.name, bytes: Buffer.from(message.data, 'base64') }]),
    rerunColumn: (message) => this.runs.rerun(message.deploymentId),
    copy: (message) => this.answers.copy(message.deploymentId),
    insert: (message) => this.answers.insert(message.deploymentId),
    compare: (message) => this.answers.compare(message.left, message.right),
    export: (message) => this.answers.export(message.format),
    action: (message) => applyFix(message.action, message.deploymentId, this.services, (text) => this.channel.post({ type: 'notice', level: 'info', text })),
    openHistory: (message) => this.history.reopen(message.entryId),
    saveSet: async (message) => this.channel.post({ type: 'sets', sets: await this.sets.save(message.name, message.deploymentIds) }),
    deleteSet: async (message) => this.channel.post({ type: 'sets', sets: await this.sets.delete(message.name) }),
  };

  private async receive(raw: unknown): Promise<void> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.services.log.warn(`playground: rejected a message from the webview (${checked.reason})`);
      // the reason names the field and the limit, never the content
      this.channel.post({ type: 'notice', level: 'error', text: `Refused: ${checked.reason}.` });
      return;
    }
    const message = checked.message;
    try {
      await (this.handlers[message.type] as (message: WebviewMessage) => Promise<void> | void)(message);
    } catch (error) {
      this.services.log.error(`playground: ${message.type} failed: ${(error as Error).message}`);
      this.channel.post({ type: 'notice', level: 'error', text: `That did not work: ${(error as Error).message}` });
    }
  }

  /** The webview has loaded: it gets everything it shows, then what waited for it. */
  private async open(hasResults: boolean): Promise<void> {
    await this.deployments.refreshEditorModels();
    // an unreadable history must not keep the webview waiting for its `init`
    const history = await this.history.summaries().catch((error: Error) => {
      this.services.log.error(`history: could not read it: ${error.message}`);
      return [];
    });
    this.channel.open({ type: 'init', deployments: this.deployments.views(), sets: this.sets.all(), history, historyEnabled: this.services.historyEnabled(), restore: null });
    // the editor may have saved the webview's state before the last run: the history has it for sure
    if (this.restored && !hasResults) await this.history.reopenLatest();
  }
}
