/**
 * Runs a request from the playground: the fan-out over the cloud deployments and the editor's chat models,
 * `repeat` times in a row, streaming each column's text through the delta batcher (one message per frame),
 * then its result; records the run and reports p50/p95 over the repeats. One run at a time.
 */
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { Deployment } from '../../core/config/deployment';
import { runFanout, type DeploymentResult } from '../../core/engine/fanout';
import type { ChatRequest } from '../../core/request/stream';
import { fill } from '../../core/request/template';
import { badges, summarise } from '../../core/results/summary';
import type { HostMessage, RunRequest } from '../../protocol';
import { loadAdapter } from '../../providers/registry';
import { editorModelId, runEditorModel } from '../chat/editorChatModels';
import { engineOptions } from '../platform/engineOptions';
import { toColumnResult } from './columnResult';
import { DeltaBatcher } from './deltaBatcher';
import type { PlaygroundDeployments } from './playgroundDeployments';
import type { PlaygroundServices } from './playgroundServices';
import type { RunHistory } from './runHistory';
import type { ShownRun } from './shownRun';

export class RunController {
  private running: AbortController | null = null;

  constructor(
    private readonly services: PlaygroundServices,
    private readonly deployments: PlaygroundDeployments,
    private readonly shown: ShownRun,
    private readonly history: RunHistory,
    private readonly post: (message: HostMessage) => void,
  ) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  stop(): void {
    this.running?.abort();
  }

  /** Runs one column of the shown run again. */
  async rerun(deploymentId: string): Promise<void> {
    const request = this.shown.request;
    if (request) await this.run(request, [deploymentId], true);
  }

  /** Runs the request on `ids` (all of the request's, or one column again), `repeat` times in a row. */
  async run(request: RunRequest, ids: string[], partial: boolean): Promise<void> {
    if (this.running) {
      this.post({ type: 'notice', level: 'error', text: 'A run is already going: stop it first.' });
      return;
    }
    const { deployments, editorModels } = await this.deployments.pick(ids);
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
    if (!partial || !this.shown.request) this.shown.replace(request);
    const runId = randomUUID();
    const runs: DeploymentResult[][] = [];
    const repeat = partial ? 1 : request.repeat;
    const deploymentIds = [...deployments.map((deployment) => deployment.id), ...editorModels.map(editorModelId)];
    try {
      for (let iteration = 1; iteration <= repeat && !controller.signal.aborted; iteration++) {
        this.post({ type: 'runStarted', runId, deploymentIds, repeat, iteration, prompt: partial ? null : { system: request.system, prompt: request.prompt, variables: request.variables, params: request.params, selected: request.deploymentIds, repeat: request.repeat } });
        const results = await this.runOnce(runId, chat, deployments, editorModels, controller.signal);
        runs.push(results);
        await this.services.onResults(`${runId}:${iteration}`, results, 'playground');
        if (!partial) await this.history.record(request, results);
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

  /** One pass over every deployment at once: text as it streams, each result as it comes. */
  private async runOnce(runId: string, chat: ChatRequest, deployments: Deployment[], editorModels: vscode.LanguageModelChat[], signal: AbortSignal): Promise<DeploymentResult[]> {
    const known = this.deployments.byId();
    const batcher = new DeltaBatcher((chunks) => this.post({ type: 'deltas', runId, chunks }));
    const seenText = new Set<string>();
    const streamed = (deploymentId: string, text: string, atMs: number): void => {
      if (!seenText.has(deploymentId)) {
        seenText.add(deploymentId);
        this.post({ type: 'columnStatus', runId, deploymentId, status: 'streaming', note: null, ttftMs: atMs });
      }
      batcher.add(deploymentId, text);
    };
    const finished = (result: DeploymentResult): DeploymentResult => {
      // the column's text goes before its end
      batcher.flush();
      this.shown.add(result);
      this.post({ type: 'columnResult', runId, result: toColumnResult(result, known.get(result.deployment), this.services.redact) });
      this.logResult(result);
      return result;
    };
    const editorRuns = editorModels.map((model) => runEditorModel(model, chat, signal, (text, atMs) => streamed(editorModelId(model), text, atMs)).then(finished));
    const cloudResults = deployments.length === 0 ? Promise.resolve([]) : runFanout(chat, deployments, {
      loadAdapter,
      credentials: this.services.credentials,
      signal,
      ...(await engineOptions()),
      onEvent: (event) => {
        if (event.type === 'part' && event.part.type === 'text-delta' && event.part.text) {
          streamed(event.deployment, event.part.text, event.atMs);
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
    return results;
  }

  private logResult(result: DeploymentResult): void {
    const { metrics } = result;
    this.services.log.info(`${result.deployment}: ${result.status} ttft=${metrics.ttftMs ?? '—'}ms total=${metrics.totalMs ?? '—'}ms out=${metrics.outputTokens ?? '—'} cost=${metrics.costUsd ?? '—'} requestId=${result.requestId ?? '—'}${result.error ? ` ${result.error.kind}: ${result.error.message}` : ''}`);
  }
}
