/**
 * One GenerateContentResponse as stream parts: a chunk of a stream (the streaming adapter) or a whole answer (a batch
 * output line). The state carries what spans chunks: the request id, the model, the finish, the tool calls counted.
 */
import type { GenerateContentResponse } from '@google/genai';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';
import { providerError, type FinishReason, type ProviderError, type StreamPart } from '../../core/request/stream';

export interface AnswerState {
  requestId: string | null;
  model: string | undefined;
  finishReason: FinishReason | null;
  rawReason: string | null;
  /** Tool calls so far: Gemini sends none with an id of its own on the Gemini API, so Fanout numbers them. */
  calls: number;
}

/** The fields of a GenerateContentResponse read here: the SDK's class, or the same JSON read from a batch output file. */
export type ResponseFields = Pick<GenerateContentResponse, 'candidates' | 'usageMetadata' | 'promptFeedback' | 'responseId' | 'modelVersion'>;

export const newAnswerState = (): AnswerState => ({ requestId: null, model: undefined, finishReason: null, rawReason: null, calls: 0 });

type AnswerPart = Exclude<StreamPart, { type: 'error' }>;

/** The prompt was blocked before any answer (promptFeedback.blockReason): a content-filter error. */
export function blockedPrompt(response: ResponseFields, service: string, requestId: string | null): ProviderError | null {
  const reason = response.promptFeedback?.blockReason;
  return reason ? providerError('content_filter', `${service} blocked the prompt (${reason}). Rephrase it, or review the safety settings.`, { requestId, retryable: false }) : null;
}

/** Text, thoughts and tool calls of the response's first candidate, then its usage once it has finished. */
export function* responseParts(response: ResponseFields, state: AnswerState): Generator<AnswerPart> {
  state.requestId ??= response.responseId ?? null;
  state.model ??= response.modelVersion;
  const candidate = response.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.text && part.thought) yield { type: 'reasoning-delta', text: part.text };
    else if (part.text) yield { type: 'text-delta', text: part.text };
    if (part.functionCall?.name) yield { type: 'tool-call', id: part.functionCall.id ?? `call_${++state.calls}`, name: part.functionCall.name, arguments: part.functionCall.args ?? {} };
  }
  if (candidate?.finishReason) {
    state.rawReason = candidate.finishReason;
    state.finishReason = mapFinishReason(candidate.finishReason);
    if (response.usageMetadata) yield { type: 'usage', usage: mapUsage(response.usageMetadata) };
  }
}

/** How the answer ended: its finish, or an error when it never finished or the safety filter stopped it. */
export function endOfAnswer(state: AnswerState, service: string, deploymentId: string): StreamPart {
  const { requestId } = state;
  if (state.finishReason === null) {
    return { type: 'error', error: providerError('network', `The ${service} stream ended before the answer was complete: the connection may have dropped. Retry.`, { requestId }) };
  }
  if (state.finishReason === 'content_filter') {
    return { type: 'error', error: providerError('content_filter', `${service} (deployment "${deploymentId}") stopped the answer with its safety filter.`, { requestId, retryable: false }) };
  }
  // a finish with tool calls is tool_calls on every cloud (Gemini says STOP)
  const reason = state.calls && state.finishReason === 'stop' ? 'tool_calls' : state.finishReason;
  return { type: 'finish', reason, rawReason: state.rawReason, ...(state.model ? { model: state.model } : {}), requestId };
}
