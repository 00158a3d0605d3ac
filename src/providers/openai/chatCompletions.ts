/**
 * Streams one chat completion through an `openai` SDK client. Serves OpenAI, every OpenAI-compatible
 * server and Azure OpenAI: the vendor differences live in how the client is built, not here.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, type OpenAI } from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ProviderCall } from '../../core/engine/adapter';
import { providerError, type FinishReason, type ProviderError, type StreamPart } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure, retryAfterFrom } from '../transport/errorMapping';

export interface ChatCompletionsTarget {
  client: OpenAI;
  /** The model (OpenAI) or deployment (Azure) to name in the request body. */
  model: string;
  service: string;
  origin: string;
  /** OpenAI's newer models take `max_completion_tokens`; most compatible servers know only `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The proxy the request goes through, if any: connection failures then name it. */
  proxy: string | null;
}

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

export async function* streamChatCompletions(target: ChatCompletionsTarget, call: ProviderCall): AsyncGenerator<StreamPart> {
  const { request, deployment, signal } = call;
  const messages: ChatCompletionMessageParam[] = [
    ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
    ...request.messages.map((message) => ({ role: message.role, content: message.content })),
  ];
  const body: ChatCompletionCreateParamsStreaming = {
    model: target.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
    ...(request.params.topP !== undefined ? { top_p: request.params.topP } : {}),
    ...(request.params.maxTokens !== undefined ? { [target.maxTokensField]: request.params.maxTokens } : {}),
  };
  let requestId: string | null = null;
  let finishReason: FinishReason | null = null;
  let model: string | undefined;
  try {
    const { data: stream, request_id } = await target.client.chat.completions.create(body, { signal }).withResponse();
    requestId = request_id;
    yield { type: 'response-metadata', requestId };
    for await (const chunk of stream) {
      model ??= chunk.model || undefined;
      requestId ??= chunk.id || null;
      // Azure sends a first chunk with `choices: []` and prompt_filter_results; usage comes in a last chunk with `choices: []`.
      const choice = chunk.choices[0];
      const text = choice?.delta?.content;
      if (text) yield { type: 'text-delta', text };
      if (choice?.finish_reason) finishReason = FINISH[choice.finish_reason] ?? 'other';
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens;
        yield {
          type: 'usage',
          usage: {
            inputTokens: chunk.usage.prompt_tokens,
            outputTokens: chunk.usage.completion_tokens,
            ...(cached ? { cachedInputTokens: cached } : {}),
          },
        };
      }
    }
    if (finishReason === null) {
      yield { type: 'error', error: providerError('network', `The ${target.service} stream ended without a finish reason: the connection may have dropped. Retry.`, { requestId, retryable: true }) };
      return;
    }
    if (finishReason === 'content_filter') {
      yield { type: 'error', error: providerError('content_filter', `${target.service} (deployment "${deployment.id}") stopped the answer with its content filter.`, { requestId, retryable: false }) };
      return;
    }
    yield { type: 'finish', reason: finishReason, ...(model ? { model } : {}), requestId };
  } catch (cause) {
    yield { type: 'error', error: toProviderError(cause, target, deployment.id, requestId) };
  }
}

function toProviderError(cause: unknown, target: ChatCompletionsTarget, deploymentId: string, requestId: string | null): ProviderError {
  if (cause instanceof APIUserAbortError) return providerError('cancelled', 'Cancelled.', { retryable: false });
  if (cause instanceof APIConnectionTimeoutError) return providerError('timeout', `${target.service} did not answer in time.`);
  if (cause instanceof APIConnectionError) return fromConnectionFailure(target.service, deploymentId, target.origin, cause.cause ?? cause, target.proxy);
  if (cause instanceof APIError) {
    const body = (cause.error ?? {}) as { message?: string; code?: string | null; type?: string; innererror?: { code?: string } };
    const retryAfterMs = cause.headers ? retryAfterFrom((name) => cause.headers!.get(name)) : undefined;
    return fromServiceFailure({
      service: target.service,
      deploymentId,
      status: cause.status ?? null,
      code: body.innererror?.code ?? cause.code ?? body.code ?? cause.type ?? body.type ?? null,
      serverMessage: body.message ?? cause.message,
      requestId: cause.requestID ?? requestId,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if ((cause as Error)?.name === 'AbortError') return providerError('cancelled', 'Cancelled.', { retryable: false });
  return fromConnectionFailure(target.service, deploymentId, target.origin, cause, target.proxy);
}
