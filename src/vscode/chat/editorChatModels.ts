/**
 * The editor's own chat models (Copilot and others, through `vscode.lm`) as playground columns beside the clouds.
 * They answer through VS Code, so Fanout times them the same way, counts their tokens with the model's own
 * counter, and shows no cost: the editor's chat subscription prices them, not a per-token rate.
 */
import { textOf } from '../../core/request/chatRequest';
import * as vscode from 'vscode';
import { PLAIN_ANSWER, type DeploymentResult } from '../../core/engine/fanout';
import { providerError, type ChatRequest, type ProviderError } from '../../core/request/stream';
import type { DeploymentView } from '../../protocol';
import { CHAT_VENDOR } from './chatModels';

export const EDITOR_MODEL_PREFIX = 'lm:';

export function editorModelId(model: vscode.LanguageModelChat): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${EDITOR_MODEL_PREFIX}${clean(model.vendor)}:${clean(model.id)}`.slice(0, 64);
}

/** Chat models the editor offers, except Fanout's own (those are the deployments already). */
export async function editorChatModels(): Promise<vscode.LanguageModelChat[]> {
  if (typeof vscode.lm?.selectChatModels !== 'function') return [];
  const models = await vscode.lm.selectChatModels().then((found) => found, () => []);
  return models.filter((model) => model.vendor !== CHAT_VENDOR);
}

export function editorModelView(model: vscode.LanguageModelChat): DeploymentView {
  return { id: editorModelId(model), provider: 'vscode-lm', providerLabel: 'Editor chat models', model: model.family || model.name, region: null, runnable: true, note: `${model.name} (${model.vendor}), through VS Code` };
}

function toProviderError(cause: unknown, model: vscode.LanguageModelChat): ProviderError {
  const message = (cause as Error)?.message ?? String(cause);
  if (cause instanceof vscode.LanguageModelError) {
    if (cause.code === vscode.LanguageModelError.NoPermissions.name) return providerError('permission', `VS Code did not let Fanout use ${model.name}: allow it when asked, or in the Accounts menu.`, { retryable: false });
    if (cause.code === vscode.LanguageModelError.Blocked.name) return providerError('quota', `${model.name} refused the request (blocked or over its limit): ${message}`, { retryable: false });
    if (cause.code === vscode.LanguageModelError.NotFound.name) return providerError('not_found', `${model.name} is no longer available in this editor.`, { retryable: false });
  }
  return providerError('unknown', `${model.name} failed: ${message}`, { retryable: false });
}

/** Streams one answer from an editor chat model, timed like a deployment. */
export async function runEditorModel(model: vscode.LanguageModelChat, request: ChatRequest, signal: AbortSignal, onText: (text: string, atMs: number) => void): Promise<DeploymentResult> {
  const messages = request.messages.map((message, index) => {
    const text = textOf(message);
    const content = index === 0 && request.system ? `${request.system}\n\n${text}` : text;
    return message.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(content) : vscode.LanguageModelChatMessage.User(content);
  });
  const cancellation = new vscode.CancellationTokenSource();
  const stop = (): void => cancellation.cancel();
  signal.addEventListener('abort', stop, { once: true });
  const started = performance.now();
  let ttftMs: number | null = null;
  let text = '';
  let error: ProviderError | null = null;
  try {
    const response = await model.sendRequest(messages, { justification: 'Fanout compares this model with your cloud deployments.' }, cancellation.token);
    for await (const chunk of response.text) {
      if (!chunk) continue;
      ttftMs ??= performance.now() - started;
      text += chunk;
      onText(chunk, performance.now() - started);
    }
    if (signal.aborted) error = providerError('cancelled', 'Cancelled.', { retryable: false });
  } catch (cause) {
    error = signal.aborted ? providerError('cancelled', 'Cancelled.', { retryable: false }) : toProviderError(cause, model);
  } finally {
    signal.removeEventListener('abort', stop);
    cancellation.dispose();
  }
  const totalMs = performance.now() - started;
  const prompt = messages.map((message) => message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('')).join('\n');
  const [inputTokens, outputTokens] = await Promise.all([
    model.countTokens(prompt).then((n) => n, () => null),
    text ? model.countTokens(text).then((n) => n, () => null) : Promise.resolve(0),
  ]);
  const generation = ttftMs !== null ? totalMs - ttftMs : 0;
  return {
    ...PLAIN_ANSWER,
    deployment: editorModelId(model), provider: 'vscode-lm', model: model.family || model.name,
    status: error === null ? 'ok' : error.kind === 'cancelled' ? 'cancelled' : 'error',
    text, finishReason: error === null ? 'stop' : null,
    metrics: {
      ttftMs: ttftMs === null ? null : Math.round(ttftMs * 10) / 10, totalMs: Math.round(totalMs * 10) / 10, inputTokens, outputTokens,
      tokensPerSecond: outputTokens && generation > 0 ? Math.round((outputTokens / (generation / 1000)) * 10) / 10 : null, costUsd: null,
    },
    error, requestId: null, answeredModel: null, retries: 0, credentialMs: 0, credentialSource: `${model.vendor} in VS Code`,
    costNote: 'priced by your editor chat subscription, not per token', cachedInputTokens: null,
  };
}
