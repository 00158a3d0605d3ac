/**
 * The playground's side of the run history: the list it shows, recording a finished run (never a secret), and
 * reopening a recorded run with its inputs and answers.
 */
import { randomUUID } from 'node:crypto';
import { PLAIN_ANSWER, type DeploymentResult } from '../../core/engine/fanout';
import type { ProviderErrorKind } from '../../core/request/stream';
import { badges } from '../../core/results/summary';
import type { HistoryEntry } from '../../core/storage/history';
import type { HistorySummary, HostMessage, RunRequest } from '../../protocol';
import { toColumnResult } from './columnResult';
import type { PlaygroundDeployments } from './playgroundDeployments';
import type { PlaygroundServices } from './playgroundServices';
import type { ShownRun } from './shownRun';

/** How many runs the list shows, newest first. */
const LISTED = 50;

export class RunHistory {
  constructor(
    private readonly services: PlaygroundServices,
    private readonly deployments: PlaygroundDeployments,
    private readonly shown: ShownRun,
    private readonly post: (message: HostMessage) => void,
  ) {}

  async summaries(): Promise<HistorySummary[]> {
    const { entries } = await this.services.history.load();
    return entries.slice(-LISTED).reverse().map((entry) => ({
      id: entry.id,
      at: entry.at,
      prompt: entry.prompt.slice(0, 200),
      deployments: entry.deploymentIds,
      ok: entry.results.filter((result) => result.status === 'ok').length,
      failed: entry.results.filter((result) => result.status !== 'ok').length,
    }));
  }

  /** Keeps one finished run (when history is on) and shows the new list. A failure to save is logged, not thrown. */
  async record(request: RunRequest, results: readonly DeploymentResult[]): Promise<void> {
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
      this.post({ type: 'history', history: await this.summaries(), historyEnabled: true });
    } catch (error) {
      this.services.log.error(`history: could not save the run: ${(error as Error).message}`);
    }
  }

  /** Shows a recorded run as if it had just run: its inputs, its columns, its badges. */
  async reopen(entryId: string): Promise<void> {
    const entry = await this.services.history.get(entryId);
    if (!entry) {
      this.post({ type: 'notice', level: 'error', text: 'That run is no longer in the history.' });
      return;
    }
    const runId = randomUUID();
    const request: RunRequest = { type: 'run', system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, deploymentIds: entry.deploymentIds, repeat: 1 };
    this.post({ type: 'runStarted', runId, deploymentIds: entry.results.map((result) => result.deployment), repeat: 1, iteration: 1, prompt: { system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, selected: entry.deploymentIds, repeat: 1 } });
    const known = this.deployments.byId();
    const results: DeploymentResult[] = entry.results.map((stored) => ({
      ...stored,
      error: stored.error ? { kind: stored.error.kind as ProviderErrorKind, message: stored.error.message, status: null, retryable: false, requestId: null } : null,
      answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, cachedInputTokens: null, ...PLAIN_ANSWER,
    }));
    this.shown.replace(request, results);
    for (const result of results) this.post({ type: 'columnResult', runId, result: toColumnResult(result, known.get(result.deployment), this.services.redact) });
    this.post({ type: 'runFinished', runId, badges: badges(results), summary: null });
  }

  /** Reopens the newest run, if there is one (a panel brought back without its answers). */
  async reopenLatest(): Promise<void> {
    const latest = (await this.services.history.load()).entries.at(-1);
    if (latest) await this.reopen(latest.id);
  }
}
