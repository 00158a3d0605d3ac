/**
 * The playground's host side: one webview panel. Messages to the webview wait for its `ready`; every message
 * from it is validated before anything runs. Text deltas are batched per animation frame. Runs are recorded
 * in history (never a secret) and keep going while the panel is hidden.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { deploymentRegion, providerLabel, type Deployment } from '../../core/config/deployment';
import { runFanout, type DeploymentResult } from '../../core/engine/fanout';
import type { HistoryEntry, HistoryStore } from '../../core/storage/history';
import { formatJson, formatMarkdown } from '../../core/results/report';
import { summarise, badges } from '../../core/results/summary';
import type { ChatRequest, ProviderErrorKind } from '../../core/request/stream';
import { fill } from '../../core/request/template';
import { refusal } from '../../core/security/trust';
import { validateWebviewMessage, type ColumnResult, type DeploymentView, type HistorySummary, type HostMessage, type RunRequest, type WebviewMessage } from '../../protocol';
import { loadAdapter } from '../../providers/registry';
import { actionsFor, repairSignIn } from './columnActions';
import { editorChatModels, editorModelId, editorModelView, runEditorModel } from '../chat/editorChatModels';
import { engineOptions } from '../platform/engineOptions';
import { COGNITIVE_SERVICES_SCOPE, entraProviderId } from '../credentials/credentials';
import { DeltaBatcher } from './deltaBatcher';
import { Disposable } from '../platform/disposable';
import { playgroundHtml } from './playgroundHtml';
import type { PlaygroundServices } from './playgroundServices';

export const PLAYGROUND_VIEW_TYPE = 'fanout.playground';
const SETS_KEY = 'fanout.deploymentSets';

interface LastRun {
  request: RunRequest;
  results: Map<string, DeploymentResult>;
}

export class PlaygroundPanel extends Disposable {
  private ready = false;
  private markReady: () => void = () => {};
  /** Resolves when the webview has loaded and said `ready`. */
  readonly whenReady = new Promise<void>((resolve) => (this.markReady = resolve));
  private readonly queue: HostMessage[] = [];
  private running: AbortController | null = null;
  private last: LastRun | null = null;
  /** Every message posted, kept for tests of what reaches the webview (bounded). */
  readonly posted: HostMessage[] = [];
  private editorModels: vscode.LanguageModelChat[] = [];
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  /** `restored`: the panel came back after a window reload (the serializer made it). */
  constructor(readonly panel: vscode.WebviewPanel, private readonly services: PlaygroundServices, private readonly restored = false) {
    super();
    const media = vscode.Uri.joinPath(services.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    panel.webview.html = playgroundHtml(panel.webview, media, vscode.Uri.joinPath);
    panel.iconPath = vscode.Uri.joinPath(media, 'fanout.svg');
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.register(panel.onDidDispose(() => {
      this.running?.abort();
      this.closed.fire();
      this.dispose();
    }));
    this.register(services.settings.onDidChange(() => this.post({ type: 'deployments', deployments: this.deploymentViews() })));
    if (typeof vscode.lm?.onDidChangeChatModels === 'function') this.register(vscode.lm.onDidChangeChatModels(() => void this.refreshEditorModels()));
  }

  private async refreshEditorModels(): Promise<void> {
    this.editorModels = await editorChatModels();
    this.post({ type: 'deployments', deployments: this.deploymentViews() });
  }

  setPrompt(content: Omit<Extract<HostMessage, { type: 'setPrompt' }>, 'type'>): void {
    this.post({ type: 'setPrompt', ...content });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  private post(message: HostMessage): void {
    this.posted.push(message);
    if (this.posted.length > 5000) this.posted.splice(0, this.posted.length - 5000);
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    // a run may finish after its panel was closed: nothing to tell then
    this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private deploymentViews(): DeploymentView[] {
    return [...this.cloudViews(), ...this.editorModels.map(editorModelView)];
  }

  private cloudViews(): DeploymentView[] {
    return this.services.settings.deployments.map((deployment) => {
      const source = this.services.settings.sourceOf(deployment.id);
      const refused = refusal(deployment, source, vscode.workspace.isTrusted);
      return {
      id: deployment.id,
      provider: deployment.provider,
      providerLabel: providerLabel(deployment.provider),
      model: deployment.model,
      region: deploymentRegion(deployment),
      runnable: refused === null,
      note: refused ?? (source === 'workspace' ? 'from .vscode/fanout.json' : null),
      };
    });
  }

  private async historySummaries(): Promise<HistorySummary[]> {
    const { entries } = await this.services.history.load();
    return entries.slice(-50).reverse().map((entry) => ({
      id: entry.id,
      at: entry.at,
      prompt: entry.prompt.slice(0, 200),
      deployments: entry.deploymentIds,
      ok: entry.results.filter((result) => result.status === 'ok').length,
      failed: entry.results.filter((result) => result.status !== 'ok').length,
    }));
  }

  private sets(): Record<string, string[]> {
    return this.services.globalState.get<Record<string, string[]>>(SETS_KEY, {});
  }

  private async receive(raw: unknown): Promise<void> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.services.log.warn(`playground: rejected a message from the webview (${checked.reason})`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (error) {
      this.services.log.error(`playground: ${checked.message.type} failed: ${(error as Error).message}`);
      this.post({ type: 'notice', level: 'error', text: `That did not work: ${(error as Error).message}` });
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.editorModels = await editorChatModels();
        this.panel.webview.postMessage({
          type: 'init', deployments: this.deploymentViews(), sets: this.sets(), history: await this.historySummaries(), historyEnabled: this.services.historyEnabled(), restore: null,
        } satisfies HostMessage).then(undefined, () => undefined);
        for (const queued of this.queue.splice(0)) this.panel.webview.postMessage(queued).then(undefined, () => undefined);
        this.markReady();
        // the editor may have saved the webview's state before the last run: the history has it for sure
        if (this.restored && !message.hasResults) {
          const latest = (await this.services.history.load()).entries.at(-1);
          if (latest) await this.openHistory(latest.id);
        }
        return;
      }
      case 'run':
        return this.run(message, message.deploymentIds, false);
      case 'stop':
        this.running?.abort();
        return;
      case 'rerunColumn':
        if (this.last) return this.run(this.last.request, [message.deploymentId], true);
        return;
      case 'copy': {
        const result = this.last?.results.get(message.deploymentId);
        if (result) {
          await vscode.env.clipboard.writeText(result.text);
          this.post({ type: 'notice', level: 'info', text: `Copied the answer of ${message.deploymentId}.` });
        }
        return;
      }
      case 'insert': {
        const result = this.last?.results.get(message.deploymentId);
        const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.scheme !== 'output') ?? vscode.window.activeTextEditor;
        if (!result) return;
        if (!editor) {
          this.post({ type: 'notice', level: 'error', text: 'Open a file to insert into first.' });
          return;
        }
        await editor.edit((edit) => edit.replace(editor.selection, result.text));
        return;
      }
      case 'compare': {
        const left = this.last?.results.get(message.left);
        const right = this.last?.results.get(message.right);
        if (!left || !right) return;
        await vscode.commands.executeCommand('vscode.diff', this.services.outputs.put(left), this.services.outputs.put(right), `${left.deployment} ↔ ${right.deployment}`);
        return;
      }
      case 'export':
        return this.export(message.format);
      case 'action':
        return this.action(message.action, message.deploymentId);
      case 'openHistory':
        return this.openHistory(message.entryId);
      case 'saveSet': {
        const sets = { ...this.sets(), [message.name]: message.deploymentIds };
        await this.services.globalState.update(SETS_KEY, sets);
        this.post({ type: 'sets', sets });
        return;
      }
      case 'deleteSet': {
        const sets = { ...this.sets() };
        delete sets[message.name];
        await this.services.globalState.update(SETS_KEY, sets);
        this.post({ type: 'sets', sets });
        return;
      }
    }
  }

  /** Runs the request on `ids` (all of the request's, or one column again), `repeat` times in a row. */
  async run(request: RunRequest, ids: string[], partial: boolean): Promise<void> {
    if (this.running) {
      this.post({ type: 'notice', level: 'error', text: 'A run is already going: stop it first.' });
      return;
    }
    const known = new Map(this.services.settings.deployments.map((deployment) => [deployment.id, deployment]));
    const deployments = ids.map((id) => known.get(id)).filter((deployment): deployment is Deployment => deployment !== undefined);
    if (ids.some((id) => id.startsWith('lm:') && !this.editorModels.some((model) => editorModelId(model) === id))) this.editorModels = await editorChatModels();
    const editorModels = this.editorModels.filter((model) => ids.includes(editorModelId(model)));
    if (deployments.length === 0 && editorModels.length === 0) {
      this.post({ type: 'notice', level: 'error', text: 'None of those deployments is in your settings any more.' });
      return;
    }
    const chat: ChatRequest = {
      ...(request.system.trim() ? { system: fill(request.system, request.variables) } : {}),
      messages: [{ role: 'user', content: fill(request.prompt, request.variables) }],
      params: request.params,
    };
    const controller = new AbortController();
    this.running = controller;
    if (!partial || !this.last) this.last = { request, results: new Map() };
    const runId = randomUUID();
    const runs: DeploymentResult[][] = [];
    const repeat = partial ? 1 : request.repeat;
    try {
      for (let iteration = 1; iteration <= repeat && !controller.signal.aborted; iteration++) {
        const batcher = new DeltaBatcher((chunks) => this.post({ type: 'deltas', runId, chunks }));
        this.post({ type: 'runStarted', runId, deploymentIds: [...deployments.map((d) => d.id), ...editorModels.map(editorModelId)], repeat, iteration, prompt: partial ? null : { system: request.system, prompt: request.prompt, variables: request.variables, params: request.params, selected: request.deploymentIds, repeat: request.repeat } });
        const seenText = new Set<string>();
        const finished = (result: DeploymentResult): void => {
          batcher.flush();
          this.last?.results.set(result.deployment, result);
          this.post({ type: 'columnResult', runId, result: this.columnResult(result, known.get(result.deployment)) });
          this.logResult(result);
        };
        const editorRuns = editorModels.map((model) => runEditorModel(model, chat, controller.signal, (text, atMs) => {
          const id = editorModelId(model);
          if (!seenText.has(id)) {
            seenText.add(id);
            this.post({ type: 'columnStatus', runId, deploymentId: id, status: 'streaming', note: null, ttftMs: atMs });
          }
          batcher.add(id, text);
        }).then((result) => {
          finished(result);
          return result;
        }));
        const cloudResults = deployments.length === 0 ? Promise.resolve([]) : runFanout(chat, deployments, {
          loadAdapter,
          credentials: this.services.credentials,
          signal: controller.signal,
          ...(await engineOptions()),
          onEvent: (event) => {
            if (event.type === 'part' && event.part.type === 'text-delta' && event.part.text) {
              if (!seenText.has(event.deployment)) {
                seenText.add(event.deployment);
                this.post({ type: 'columnStatus', runId, deploymentId: event.deployment, status: 'streaming', note: null, ttftMs: event.atMs });
              }
              batcher.add(event.deployment, event.part.text);
            } else if (event.type === 'retry') {
              this.post({ type: 'columnStatus', runId, deploymentId: event.deployment, status: 'waiting', note: `retry ${event.attempt} in ${Math.round(event.delayMs)} ms (${event.error.kind})`, ttftMs: null });
              this.services.log.warn(`${event.deployment}: retry ${event.attempt} in ${event.delayMs} ms after ${event.error.kind}: ${event.error.message}`);
            } else if (event.type === 'result') {
              finished(event.result);
            }
          },
        });
        const results = [...(await cloudResults), ...(await Promise.all(editorRuns))];
        batcher.dispose();
        runs.push(results);
        await this.services.onResults(`${runId}:${iteration}`, results, 'playground');
        if (!partial) await this.record(request, results);
      }
      const finalResults = [...(this.last?.results.values() ?? [])];
      this.post({
        type: 'runFinished',
        runId,
        badges: badges(finalResults),
        summary: runs.length > 1 ? summarise(runs).map((s) => ({ deploymentId: s.deployment, ttftP50: s.ttftMs.p50, ttftP95: s.ttftMs.p95, totalP50: s.totalMs.p50, totalP95: s.totalMs.p95 })) : null,
      });
    } finally {
      this.running = null;
    }
  }

  private columnResult(result: DeploymentResult, deployment: Deployment | undefined): ColumnResult {
    return {
      deploymentId: result.deployment,
      status: result.status === 'timeout' ? 'error' : result.status,
      text: result.text,
      metrics: result.metrics,
      finishReason: result.finishReason,
      error: result.error ? { kind: result.error.kind, message: this.services.redact(result.error.message) } : null,
      actions: actionsFor(result, deployment),
      answeredModel: result.answeredModel,
      costNote: result.costNote,
      retries: result.retries,
      requestId: result.requestId,
      credentialSource: result.credentialSource,
    };
  }

  private logResult(result: DeploymentResult): void {
    const { metrics } = result;
    this.services.log.info(`${result.deployment}: ${result.status} ttft=${metrics.ttftMs ?? '—'}ms total=${metrics.totalMs ?? '—'}ms out=${metrics.outputTokens ?? '—'} cost=${metrics.costUsd ?? '—'} requestId=${result.requestId ?? '—'}${result.error ? ` ${result.error.kind}: ${result.error.message}` : ''}`);
  }

  private async record(request: RunRequest, results: DeploymentResult[]): Promise<void> {
    if (!this.services.historyEnabled()) return;
    const entry: HistoryEntry = {
      id: randomUUID(),
      at: new Date().toISOString(),
      system: request.system,
      prompt: request.prompt,
      variables: request.variables,
      params: request.params,
      deploymentIds: request.deploymentIds,
      results: results.map((result) => ({
        deployment: result.deployment, provider: result.provider, model: result.model, status: result.status, text: result.text,
        finishReason: result.finishReason, metrics: result.metrics, requestId: result.requestId, costNote: result.costNote,
        error: result.error ? { kind: result.error.kind, message: result.error.message } : null,
      })),
    };
    try {
      await this.services.history.append(entry);
      this.post({ type: 'history', history: await this.historySummaries(), historyEnabled: true });
    } catch (error) {
      this.services.log.error(`history: could not save the run: ${(error as Error).message}`);
    }
  }

  private async openHistory(entryId: string): Promise<void> {
    const entry = await this.services.history.get(entryId);
    if (!entry) {
      this.post({ type: 'notice', level: 'error', text: 'That run is no longer in the history.' });
      return;
    }
    const runId = randomUUID();
    const request: RunRequest = { type: 'run', system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, deploymentIds: entry.deploymentIds, repeat: 1 };
    this.post({ type: 'runStarted', runId, deploymentIds: entry.results.map((result) => result.deployment), repeat: 1, iteration: 1, prompt: { system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, selected: entry.deploymentIds, repeat: 1 } });
    const known = new Map(this.services.settings.deployments.map((deployment) => [deployment.id, deployment]));
    const results: DeploymentResult[] = entry.results.map((stored) => ({
      ...stored,
      error: stored.error ? { kind: stored.error.kind as ProviderErrorKind, message: stored.error.message, status: null, retryable: false, requestId: null } : null,
      answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, cachedInputTokens: null,
    }));
    this.last = { request, results: new Map(results.map((result) => [result.deployment, result])) };
    for (const result of results) this.post({ type: 'columnResult', runId, result: this.columnResult(result, known.get(result.deployment)) });
    this.post({ type: 'runFinished', runId, badges: badges(results), summary: null });
  }

  private async export(format: 'markdown' | 'json'): Promise<void> {
    const results = [...(this.last?.results.values() ?? [])];
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
    const body = format === 'markdown' ? formatMarkdown([results], this.last?.request.prompt ?? '') : formatJson([results]);
    if (target.scheme === 'file') await writeFile(target.fsPath, body, 'utf8');
    else await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(body));
    this.post({ type: 'notice', level: 'info', text: `Exported to ${target.path.split('/').pop()}.` });
  }

  private async action(action: 'setApiKey' | 'signIn' | 'openSettings' | 'showLog' | 'repair', deploymentId: string): Promise<void> {
    switch (action) {
      case 'repair': {
        const deployment = this.services.settings.deployments.find((candidate) => candidate.id === deploymentId);
        if (deployment) repairSignIn(deployment);
        return;
      }
      case 'setApiKey':
        if (await vscode.commands.executeCommand<boolean>('fanout.setApiKey', deploymentId)) {
          this.post({ type: 'notice', level: 'info', text: `Key saved. Press Retry on ${deploymentId} to run it again.` });
        }
        return;
      case 'signIn':
        await vscode.authentication.getSession(entraProviderId(), [COGNITIVE_SERVICES_SCOPE], { createIfNone: true });
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('fanout.editDeployments');
        return;
      case 'showLog':
        this.services.log.show();
        return;
    }
  }
}
