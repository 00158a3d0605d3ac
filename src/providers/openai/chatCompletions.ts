/**
 * Streams one chat completion through an `openai` SDK client. Serves OpenAI, every OpenAI-compatible server, Azure
 * OpenAI and Vertex AI's OpenAI endpoint: the vendor differences live in how the client is built and in the dialect
 * (max-tokens field, json_schema support), not here. Tool calls stream as fragments and are assembled here.
 */
import { beforeSending } from '../beforeSending';
import type { OpenAI } from 'openai';
import type { ProviderCall } from '../../core/engine/adapter';
import { providerError, type FinishReason, type StreamPart } from '../../core/request/stream';
import { ToolCallAssembler } from '../toolCallAssembler';
import { convertRequest, type ChatCompletionsDialect } from './convertRequest';
import { toProviderError } from './errors';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';

export interface ChatCompletionsTarget {
  client: OpenAI;
  /** The model (OpenAI) or deployment (Azure) to name in the request body. */
  model: string;
  service: string;
  origin: string;
  dialect: Omit<ChatCompletionsDialect, 'service' | 'baseModel'>;
  /** The proxy the request goes through, if any: connection failures then name it. */
  proxy: string | null;
}

export async function* streamChatCompletions(target: ChatCompletionsTarget, call: ProviderCall): AsyncGenerator<StreamPart> {
  const { request, deployment, signal } = call;
  const converted = convertRequest(target.model, request, { ...target.dialect, service: target.service, baseModel: deployment.model });
  yield* beforeSending(converted);
  let requestId: string | null = null;
  let finishReason: FinishReason | null = null;
  let rawReason: string | null = null;
  let model: string | undefined;
  const toolCalls = new ToolCallAssembler();
  try {
    const { data: stream, request_id } = await target.client.chat.completions.create(converted.body, { signal }).withResponse();
    requestId = request_id;
    yield { type: 'response-metadata', requestId };
    for await (const chunk of stream) {
      model ??= chunk.model || undefined;
      requestId ??= chunk.id || null;
      // Azure sends a first chunk with `choices: []` and prompt_filter_results; usage comes in a last chunk with `choices: []`.
      const choice = chunk.choices[0];
      const text = choice?.delta?.content;
      // OpenAI streams no reasoning text; OpenAI-compatible servers do, as reasoning_content (DeepSeek, vLLM) or reasoning (OpenRouter, Groq)
      const thinking = (choice?.delta as { reasoning_content?: string; reasoning?: string } | undefined);
      const reasoningText = thinking?.reasoning_content ?? thinking?.reasoning;
      if (reasoningText) yield { type: 'reasoning-delta', text: reasoningText };
      if (text) yield { type: 'text-delta', text };
      for (const fragment of choice?.delta?.tool_calls ?? []) {
        yield toolCalls.add(fragment.index ?? fragment.id ?? 0, { id: fragment.id ?? null, name: fragment.function?.name ?? null, arguments: fragment.function?.arguments ?? null });
      }
      if (choice?.finish_reason) {
        rawReason = choice.finish_reason;
        finishReason = mapFinishReason(choice.finish_reason);
      }
      if (chunk.usage) yield { type: 'usage', usage: mapUsage(chunk.usage) };
    }
    if (finishReason === null) {
      yield { type: 'error', error: providerError('network', `The ${target.service} stream ended without a finish reason: the connection may have dropped. Retry.`, { requestId, retryable: true }) };
      return;
    }
    yield* toolCalls.finish();
    if (finishReason === 'content_filter') {
      yield { type: 'error', error: providerError('content_filter', `${target.service} (deployment "${deployment.id}") stopped the answer with its content filter.`, { requestId, retryable: false }) };
      return;
    }
    yield { type: 'finish', reason: toolCalls.size ? 'tool_calls' : finishReason, rawReason, ...(model ? { model } : {}), requestId };
  } catch (cause) {
    yield { type: 'error', error: toProviderError(cause, target, deployment.id, requestId) };
  }
}
