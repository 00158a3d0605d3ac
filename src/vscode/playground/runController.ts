/**
 * Runs what the playground asks: a new run (a new conversation, `repeat` times in a row), the next user turn, tool
 * results, or one column again. Each column's request is built from its own thread; text streams through the delta
 * batcher (one message per frame), then each result with its tool calls checked; every turn is recorded with the
 * whole conversation. One run at a time.
 */
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { Deployment } from '../../core/config/deployment';
import type { ChatMessage } from '../../core/request/chatRequest';
import { runFanout, type DeploymentResult, type FanoutEvent } from '../../core/engine/fanout';
import { fill } from '../../core/request/template';
import { badges, summarise } from '../../core/results/summary';
import { formatMs } from '../../core/results/format';
import type { HostMessage, PlaygroundState, RunRequest, ToolResultInput, TurnView } from '../../protocol';
import { loadAdapter } from '../../providers/registry';
import { editorModelId, runEditorModel } from '../chat/editorChatModels';
import { engineOptions } from '../platform/engineOptions';
import { toColumnResult } from './columnResult';
import { Conversation, setupOf, type Outcome } from './conversation';
import { DeltaBatcher } from './deltaBatcher';
import type { PlaygroundDeployments } from './playgroundDeployments';
import { missingImagesText, type PlaygroundImages } from './playgroundImages';
import type { PlaygroundServices } from './playgroundServices';
import type { RunHistory } from './runHistory';
import type { ShownRun } from './shownRun';
import { toolCallViews, turnsOf } from './threadView';

type Picked = Awaited<ReturnType<PlaygroundDeployments['pick']>>;

export class RunController {
  private running: AbortController | null = null;

  constructor(
    private readonly services: PlaygroundServices,
    private readonly deployments: PlaygroundDeployments,
    private readonly shown: ShownRun,
    private readonly history: RunHistory,
    private readonly images: PlaygroundImages,
    private readonly post: (message: HostMessage) => void,
  ) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  stop(): void {
    this.running?.abort();
  }

  /** Runs one column of the shown run again: its last turn, from its own thread. */
  async rerun(deploymentId: string): Promise<void> {
    const request = this.shown.request;
    if (request) await this.run(request, [deploymentId], true);
  }

  /**
   * Runs the request on `ids` (all of the request's: a new conversation; or one column again), `repeat` times.
   * `earlier`: turns that come before the prompt (a prompt file written as a conversation).
   */
  async run(request: RunRequest, ids: string[], partial: boolean, earlier: readonly ChatMessage[] = []): Promise<void> {
    if (this.refuseWhileRunning()) return;
    const fresh = !partial || !this.shown.request;
    // the images are read back from storage by hash: a file gone since it was attached is said, and nothing is sent
    const images = fresh ? await this.images.partsOf(request.images ?? []) : { parts: [], missing: [] };
    if (images.missing.length) {
      this.post({ type: 'notice', level: 'error', text: `Not sent: ${missingImagesText(images.missing)}` });
      return;
    }
    const picked = await this.pick(ids);
    if (!picked) return;
    const pickedIds = idsOf(picked);
    if (fresh) {
      const conversation = new Conversation(setupOf(request));
      conversation.start(pickedIds, fill(request.prompt, request.variables), images.parts, earlier);
      this.shown.replace(request, [], conversation);
    } else {
      this.shown.conversation!.rewind(pickedIds);
    }
    const prompt = fresh ? { system: request.system, prompt: request.prompt, variables: request.variables, params: request.params, selected: request.deploymentIds, repeat: request.repeat } : null;
    await this.execute(picked, { repeat: fresh ? request.repeat : 1, prompt, record: fresh, request });
  }

  /** The next user turn, for every column named; each continues its own thread. */
  followUp(text: string, ids: string[]): Promise<void> {
    return this.continueWith((conversation) => conversation.addUserTurn(ids, text));
  }

  /** Results of the columns' tool calls: every id is checked against the calls the host knows; ready columns go on. */
  toolResults(results: ToolResultInput[]): Promise<void> {
    return this.continueWith((conversation) => conversation.addToolResults(results));
  }

  private async continueWith(change: (conversation: Conversation) => Outcome): Promise<void> {
    if (this.refuseWhileRunning()) return;
    const conversation = this.shown.conversation;
    const request = this.shown.request;
    if (!conversation || !request) {
      this.post({ type: 'notice', level: 'error', text: 'There is no conversation to continue: run a prompt first (or reopen one from History).' });
      return;
    }
    const outcome = change(conversation);
    if (!outcome.ok) {
      this.services.log.warn(`playground: refused a turn (${outcome.reason})`);
      this.post({ type: 'notice', level: 'error', text: `Not sent: ${outcome.reason}.` });
      return;
    }
    if (outcome.refused.length) this.post({ type: 'notice', level: 'info', text: `Not sent to ${outcome.refused.join('; ')}.` });
    if (outcome.ids.length === 0) return;
    const picked = await this.pick(outcome.ids);
    if (picked) await this.execute(picked, { repeat: 1, prompt: null, record: true, request });
  }

  private refuseWhileRunning(): boolean {
    if (this.running) this.post({ type: 'notice', level: 'error', text: 'A run is already going: stop it first.' });
    return this.running !== null;
  }

  private async pick(ids: readonly string[]): Promise<Picked | null> {
    const picked = await this.deployments.pick(ids);
    if (picked.deployments.length > 0 || picked.editorModels.length > 0) return picked;
    this.post({ type: 'notice', level: 'error', text: 'None of those deployments is in your settings any more.' });
    return null;
  }

  private async execute(picked: Picked, options: { repeat: number; prompt: PlaygroundState | null; record: boolean; request: RunRequest }): Promise<void> {
    const conversation = this.shown.conversation!;
    const controller = new AbortController();
    this.running = controller;
    const runId = randomUUID();
    const runs: DeploymentResult[][] = [];
    const deploymentIds = idsOf(picked);
    const threads: Record<string, TurnView[]> = Object.fromEntries(deploymentIds.filter((id) => conversation.messagesOf(id).length > 1).map((id) => [id, turnsOf(conversation.messagesOf(id))]));
    try {
      for (let iteration = 1; iteration <= options.repeat && !controller.signal.aborted; iteration++) {
        this.post({ type: 'runStarted', runId, deploymentIds, repeat: options.repeat, iteration, prompt: options.prompt, ...(Object.keys(threads).length ? { threads } : {}) });
        const results = await this.runOnce(runId, picked, conversation, controller.signal);
        runs.push(results);
        await this.services.onResults(`${runId}:${iteration}`, results, 'playground');
        if (options.record) await this.history.record(options.request, this.shown.results(), conversation, this.shown.conversationId!);
      }
      this.post({
        type: 'runFinished',
        runId,
        badges: badges(this.shown.results()),
        summary: runs.length > 1 ? summarise(runs).map((s) => ({ deploymentId: s.deployment, ttftP50: s.ttftMs.p50, ttftP95: s.ttftMs.p95, totalP50: s.totalMs.p50, totalP95: s.totalMs.p95 })) : null,
      });
    } finally {
      this.running = null;
    }
  }

  /** One pass over every column at once, each with its own thread: text as it streams, each result as it comes. */
  private async runOnce(runId: string, { deployments, editorModels }: Picked, conversation: Conversation, signal: AbortSignal): Promise<DeploymentResult[]> {
    const known = this.deployments.byId();
    const batcher = new DeltaBatcher((chunks) => this.post({ type: 'deltas', runId, chunks }));
    const seenText = new Set<string>();
    const seenReasoning = new Set<string>();
    const shownResults: Array<Promise<void>> = [];
    const streamed = (deploymentId: string, text: string, atMs: number): void => {
      if (!seenText.has(deploymentId)) {
        seenText.add(deploymentId);
        this.post({ type: 'columnStatus', runId, deploymentId, status: 'streaming', note: null, ttftMs: atMs });
      }
      batcher.add(deploymentId, text);
    };
    const reasoned = (deploymentId: string, text: string, atMs: number): void => {
      if (!seenReasoning.has(deploymentId) && !seenText.has(deploymentId)) this.post({ type: 'columnStatus', runId, deploymentId, status: 'streaming', note: 'reasoning', ttftMs: null, ttfrMs: atMs });
      seenReasoning.add(deploymentId);
      batcher.add(deploymentId, text, true);
    };
    const finished = (result: DeploymentResult): DeploymentResult => {
      // the column's text goes before its end
      batcher.flush();
      this.shown.add(result);
      conversation.record(result);
      shownResults.push(this.showResult(runId, result, conversation, known.get(result.deployment)));
      this.logResult(result);
      return result;
    };
    const editorRuns = editorModels.map((model) => runEditorModel(model, conversation.requestFor(editorModelId(model)), signal, (text, atMs) => streamed(editorModelId(model), text, atMs)).then(finished));
    const options = {
      loadAdapter,
      credentials: this.services.credentials,
      signal,
      ...(await engineOptions()),
      onEvent: (event: FanoutEvent) => {
        if (event.type === 'part' && event.part.type === 'text-delta' && event.part.text) {
          streamed(event.deployment, event.part.text, event.atMs);
        } else if (event.type === 'part' && event.part.type === 'reasoning-delta' && event.part.text) {
          reasoned(event.deployment, event.part.text, event.atMs);
        } else if (event.type === 'retry') {
          this.post({ type: 'columnStatus', runId, deploymentId: event.deployment, status: 'waiting', note: `retry ${event.attempt} ${event.delayMs < 1 ? 'now' : `in ${formatMs(event.delayMs)}`} (${event.error.kind.replace('_', ' ')})`, ttftMs: null });
          this.services.log.warn(`${event.deployment}: retry ${event.attempt} in ${event.delayMs} ms after ${event.error.kind}: ${event.error.message}`);
        } else if (event.type === 'result') {
          finished(event.result);
        }
      },
    };
    // each column sends its own thread; they all start in the same tick
    const cloudRuns = deployments.map((deployment: Deployment) => runFanout(conversation.requestFor(deployment.id), [deployment], options));
    const results = [...(await Promise.all(cloudRuns)).flat(), ...(await Promise.all(editorRuns))];
    await Promise.all(shownResults);
    batcher.dispose();
    return results;
  }

  /** The column's result, its tool calls checked against the tools' parameters. */
  private async showResult(runId: string, result: DeploymentResult, conversation: Conversation, deployment: Deployment | undefined): Promise<void> {
    const calls = await toolCallViews(result.toolCalls, conversation.setup.tools ?? [], conversation.awaitingOf(result.deployment)).catch((error: Error) => {
      this.services.log.error(`${result.deployment}: could not check its tool calls: ${error.message}`);
      return [];
    });
    this.post({ type: 'columnResult', runId, result: toColumnResult(result, deployment, this.services.redact, calls) });
  }

  private logResult(result: DeploymentResult): void {
    const { metrics } = result;
    const calls = result.toolCalls.length ? ` tools=${result.toolCalls.map((call) => call.name).join(',')}` : '';
    this.services.log.info(`${result.deployment}: ${result.status} ttft=${metrics.ttftMs ?? '—'}ms total=${metrics.totalMs ?? '—'}ms out=${metrics.outputTokens ?? '—'} cost=${metrics.costUsd ?? '—'} requestId=${result.requestId ?? '—'}${calls}${result.error ? ` ${result.error.kind}: ${result.error.message}` : ''}`);
  }
}

const idsOf = ({ deployments, editorModels }: Picked): string[] => [...deployments.map((deployment) => deployment.id), ...editorModels.map((model: vscode.LanguageModelChat) => editorModelId(model))];
