/**
 * Streams one answer through the Responses API (`client.responses.create({stream: true})`) of an `openai` SDK client:
 * OpenAI's `/v1/responses`, and Azure's v1 endpoint `/openai/v1/responses` — the client decides where it goes. The
 * events become stream parts: output text deltas, reasoning summary deltas (a reasoning item ends a block), function
 * call items assembled from their argument deltas (id = call_id), then usage and the finish from response.completed
 * (or response.incomplete). response.failed and `error` events are errors; a stream that ends before either is one too.
 */
import type { OpenAI } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ProviderCall } from '../../core/engine/adapter';
import { providerError, type StreamPart } from '../../core/request/stream';
import { beforeSending } from '../beforeSending';
import { fromServiceFailure } from '../transport/errorMapping';
import { ToolCallAssembler } from '../toolCallAssembler';
import { convertResponsesRequest, type ResponsesDialect } from './convertResponsesRequest';
import { toProviderError } from './errors';
import { mapResponsesFinish } from './responsesFinish';
import { mapResponsesUsage } from './responsesUsage';

export interface ResponsesTarget {
  client: OpenAI;
  /** The model (OpenAI) or deployment name (Azure v1) to name in the request body. */
  model: string;
  service: string;
  origin: string;
  dialect: Omit<ResponsesDialect, 'service'>;
  /** The proxy the request goes through, if any: connection failures then name it. */
  proxy: string | null;
}

export async function* streamResponses(target: ResponsesTarget, call: ProviderCall): AsyncGenerator<StreamPart> {
  const { request, deployment, signal } = call;
  const converted = convertResponsesRequest(target.model, request, { ...target.dialect, service: target.service });
  yield* beforeSending(converted);
  let requestId: string | null = null;
  let model: string | undefined;
  const toolCalls = new ToolCallAssembler();
  /** The argument text streamed so far for each function call, by output index (item ids may change mid-stream). */
  const argumentsSoFar = new Map<number, string>();
  let reasoningOpen = false;
  try {
    const { data: stream, request_id } = await target.client.responses.create(converted.body, { signal }).withResponse();
    requestId = request_id;
    yield { type: 'response-metadata', requestId };
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case 'response.created':
        case 'response.in_progress':
          model ??= event.response.model || undefined;
          requestId ??= event.response.id || null;
          break;
        case 'response.output_text.delta':
          if (event.delta) yield { type: 'text-delta', text: event.delta };
          break;
        case 'response.reasoning_summary_part.added':
          // summary parts are paragraphs of one reasoning block
          if (event.summary_index > 0) yield { type: 'reasoning-delta', text: '\n\n' };
          break;
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          if (event.delta) {
            reasoningOpen = true;
            yield { type: 'reasoning-delta', text: event.delta };
          }
          break;
        case 'response.output_item.added':
          if (event.item.type === 'function_call') {
            argumentsSoFar.set(event.output_index, event.item.arguments ?? '');
            yield toolCalls.add(event.output_index, { id: event.item.call_id, name: event.item.name, arguments: event.item.arguments ?? '' });
          }
          break;
        case 'response.function_call_arguments.delta':
          argumentsSoFar.set(event.output_index, (argumentsSoFar.get(event.output_index) ?? '') + event.delta);
          yield toolCalls.add(event.output_index, { arguments: event.delta });
          break;
        case 'response.output_item.done':
          if (event.item.type === 'function_call') {
            // a server that sends the arguments only whole (or a call never announced) is completed from the item
            const seen = argumentsSoFar.get(event.output_index);
            const whole = event.item.arguments ?? '';
            if (seen === undefined) yield toolCalls.add(event.output_index, { id: event.item.call_id, name: event.item.name, arguments: whole });
            else if (whole.length > seen.length && whole.startsWith(seen)) yield toolCalls.add(event.output_index, { arguments: whole.slice(seen.length) });
            argumentsSoFar.set(event.output_index, whole);
          } else if (event.item.type === 'reasoning' && reasoningOpen) {
            reasoningOpen = false;
            yield { type: 'reasoning-end' };
          }
          break;
        case 'response.completed':
        case 'response.incomplete': {
          const response = event.response;
          model = response.model || model;
          requestId ??= response.id || null;
          if (response.usage) yield { type: 'usage', usage: mapResponsesUsage(response.usage) };
          const finish = mapResponsesFinish({ status: response.status, incompleteReason: response.incomplete_details?.reason ?? null, madeToolCalls: toolCalls.size > 0 });
          yield* toolCalls.finish();
          if (finish.reason === 'content_filter') {
            yield { type: 'error', error: providerError('content_filter', `${target.service} (deployment "${deployment.id}") stopped the answer with its content filter.`, { requestId, retryable: false }) };
            return;
          }
          yield { type: 'finish', reason: finish.reason, rawReason: finish.rawReason, ...(model ? { model } : {}), requestId };
          return;
        }
        case 'response.failed': {
          const failure = event.response.error;
          yield {
            type: 'error',
            error: fromServiceFailure({
              service: target.service, deploymentId: deployment.id, status: null,
              code: failure?.code ?? null, serverMessage: failure?.message ?? 'the response failed', requestId: requestId ?? event.response.id ?? null,
            }),
          };
          return;
        }
        default:
          break;
      }
    }
    yield { type: 'error', error: providerError('network', `The ${target.service} stream ended before response.completed: the connection may have dropped. Retry.`, { requestId, retryable: true }) };
  } catch (cause) {
    yield { type: 'error', error: toProviderError(cause, target, deployment.id, requestId) };
  }
}
