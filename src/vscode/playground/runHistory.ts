/**
 * The playground's side of the run history: the list it shows (a conversation once, at its newest turn), recording
 * a finished turn with the whole conversation (never a secret), and reopening a recorded run with its inputs, tools,
 * schema, threads and answers, ready to go on.
 */
import { randomUUID } from 'node:crypto';
import { PLAIN_ANSWER, type DeploymentResult } from '../../core/engine/fanout';
import type { ProviderErrorKind } from '../../core/request/stream';
import { badges } from '../../core/results/summary';
import { countByState, type HistoryEntry } from '../../core/storage/history';
import type { HistorySummary, HostMessage, RunRequest, TurnView } from '../../protocol';
import { toColumnResult } from './columnResult';
import { Conversation, setupOf, withStoredImages } from './conversation';
import { draftOf } from './formDraft';
import type { PlaygroundDeployments } from './playgroundDeployments';
import { missingImagesText, type PlaygroundImages } from './playgroundImages';
import type { PlaygroundServices } from './playgroundServices';
import type { ShownRun } from './shownRun';
import { toolCallViews, turnsOf } from './threadView';

/** How many runs the list shows, newest first. */
const LISTED = 50;

export class RunHistory {
  constructor(
    private readonly services: PlaygroundServices,
    private readonly deployments: PlaygroundDeployments,
    private readonly shown: ShownRun,
    private readonly images: PlaygroundImages,
    private readonly post: (message: HostMessage) => void,
  ) {}

  async summaries(): Promise<HistorySummary[]> {
    const { entries } = await this.services.history.load();
    const seen = new Set<string>();
    const newestFirst = entries.slice().reverse().filter((entry) => {
      if (!entry.conversationId) return true;
      if (seen.has(entry.conversationId)) return false;
      seen.add(entry.conversationId);
      return true;
    });
    return newestFirst.slice(0, LISTED).map((entry) => {
      const turns = Math.max(0, ...Object.values(entry.threads ?? {}).map((messages) => messages.filter((message) => message.role !== 'assistant').length));
      return {
        id: entry.id,
        at: entry.at,
        prompt: `${entry.prompt.slice(0, 200)}`,
        deployments: entry.deploymentIds,
        ...countByState(entry.results),
        ...(turns > 1 ? { turns } : {}),
      };
    });
  }

  /** Keeps one finished turn with the whole conversation (when history is on) and shows the new list. Never throws. */
  async record(request: RunRequest, results: readonly DeploymentResult[], conversation: Conversation, conversationId: string): Promise<void> {
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
        toolCalls: result.toolCalls, warnings: result.warnings, structuredOutput: result.structuredOutput, json: result.json, schemaValid: result.schemaValid, schemaErrors: result.schemaErrors,
        reasoning: result.reasoning,
      })),
      conversationId,
      ...(request.tools?.length ? { tools: request.tools } : {}),
      ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}),
      ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
      ...(request.reasoning ? { reasoning: request.reasoning } : {}),
      // the images by hash and type: their bytes stay in the image store, never in a history line
      ...(request.images?.length ? { images: request.images.map((image) => ({ hash: image.hash, mediaType: image.mediaType, ...(image.name ? { name: image.name } : {}) })) } : {}),
      threads: conversation.snapshot(),
    };
    try {
      await this.services.history.append(entry);
      this.post({ type: 'history', history: await this.summaries(), historyEnabled: true });
    } catch (error) {
      this.services.log.error(`history: could not save the run: ${(error as Error).message}`);
    }
  }

  /** Shows a recorded run as if it had just run: its inputs, tools, schema, each column's thread, its badges. */
  async reopen(entryId: string): Promise<void> {
    const entry = await this.services.history.get(entryId);
    if (!entry) {
      this.post({ type: 'notice', level: 'error', text: 'That run is no longer in the history.' });
      return;
    }
    const runId = randomUUID();
    const request: RunRequest = {
      type: 'run', system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, deploymentIds: entry.deploymentIds, repeat: 1,
      ...(entry.tools ? { tools: entry.tools } : {}), ...(entry.toolChoice ? { toolChoice: entry.toolChoice } : {}), ...(entry.responseFormat ? { responseFormat: entry.responseFormat } : {}),
      ...(entry.reasoning ? { reasoning: entry.reasoning } : {}), ...(entry.images?.length ? { images: entry.images } : {}),
    };
    // an entry from before conversations: each column's thread is the prompt and its answer
    const saved = entry.threads ?? Object.fromEntries(entry.results.map((stored) => [stored.deployment, [
      { role: 'user' as const, content: entry.prompt },
      ...(stored.status === 'ok' ? [{ role: 'assistant' as const, content: stored.text }] : []),
    ]]));
    // the images come back from storage; one whose file is gone is said, and left out
    const images = await this.images.partsOf(entry.images ?? []);
    if (images.missing.length) this.post({ type: 'notice', level: 'error', text: missingImagesText(images.missing) });
    const threads = Object.fromEntries(Object.entries(saved).map(([id, messages]) => [id, withStoredImages(messages, images.each)]));
    const conversation = new Conversation(setupOf(request), threads);
    const results: DeploymentResult[] = entry.results.map((stored) => ({
      ...PLAIN_ANSWER,
      ...stored,
      error: stored.error ? { kind: stored.error.kind as ProviderErrorKind, message: stored.error.message, status: null, retryable: false, requestId: null } : null,
      answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, cachedInputTokens: null,
    }));
    this.shown.replace(request, results, conversation, entry.conversationId ?? randomUUID());
    const earlier: Record<string, TurnView[]> = {};
    for (const result of results) {
      const messages = conversation.messagesOf(result.deployment);
      const before = messages.at(-1)?.role === 'assistant' ? messages.slice(0, -1) : messages;
      if (before.length > 1) earlier[result.deployment] = turnsOf(before);
    }
    this.post({
      type: 'runStarted', runId, deploymentIds: results.map((result) => result.deployment), repeat: 1, iteration: 1,
      prompt: {
        system: entry.system, prompt: entry.prompt, variables: entry.variables, params: entry.params, selected: entry.deploymentIds, repeat: 1, ...draftOf(entry),
        images: await Promise.all((entry.images ?? []).map((image) => this.images.view(image))),
      },
      ...(Object.keys(earlier).length ? { threads: earlier } : {}),
    });
    const known = this.deployments.byId();
    for (const result of results) {
      const calls = await toolCallViews(result.toolCalls, entry.tools ?? [], conversation.awaitingOf(result.deployment));
      this.post({ type: 'columnResult', runId, result: toColumnResult(result, known.get(result.deployment), this.services.redact, calls) });
    }
    this.post({ type: 'runFinished', runId, badges: badges(results), summary: null });
  }

  /** Reopens the newest run, if there is one (a panel brought back without its answers). */
  async reopenLatest(): Promise<void> {
    const latest = (await this.services.history.load()).entries.at(-1);
    if (latest) await this.reopen(latest.id);
  }
}
