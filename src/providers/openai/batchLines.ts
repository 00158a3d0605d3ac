/**
 * The Batch API's files on the chat-completions wire (OpenAI and Azure OpenAI): each item as an input line
 * `{custom_id, method: "POST", url, body}` whose body is the streaming converter's, made non-streaming; each output
 * line's `response.body` (a chat.completion) as the parts its answer would have streamed, and each error line (or a
 * non-200 response) as the error a streamed call would have given. Lines a job never ran (`batch_expired`,
 * `batch_cancelled`) are no outcome: the core reports those cases as missing.
 */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { BatchItem, BatchOutcome } from '../../core/batch/batchAdapter';
import { providerError, type StreamPart } from '../../core/request/stream';
import { fromServiceFailure } from '../transport/errorMapping';
import { wholeCall } from '../toolCallAssembler';
import { convertRequest, type ChatCompletionsDialect } from './convertRequest';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';

export interface BatchWire {
  /** The model (OpenAI) or deployment (Azure's batch deployment) named on every line. */
  model: string;
  /** The line's and the job's endpoint: "/v1/chat/completions" (OpenAI), "/chat/completions" (Azure). */
  url: string;
  service: string;
  deploymentId: string;
  dialect: Omit<ChatCompletionsDialect, 'service'>;
}

export function inputLine(item: BatchItem, wire: BatchWire): string {
  const { body } = convertRequest(wire.model, item.request, { ...wire.dialect, service: wire.service });
  const { stream: _stream, stream_options: _options, ...rest } = body;
  return JSON.stringify({ custom_id: item.customId, method: 'POST', url: wire.url, body: rest });
}

interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; request_id?: string; body?: unknown } | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/** Codes of lines the job never ran (it expired or was cancelled first). */
const NOT_RUN = new Set(['batch_expired', 'batch_cancelled']);

/** Every line of an output or error file that has an outcome. */
export function outcomesOf(text: string, wire: BatchWire): BatchOutcome[] {
  const outcomes: BatchOutcome[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: OutputLine;
    try {
      line = JSON.parse(raw) as OutputLine;
    } catch {
      continue;
    }
    if (typeof line.custom_id !== 'string') continue;
    const outcome = outcomeOf(line, wire);
    if (outcome) outcomes.push({ customId: line.custom_id, ...outcome } as BatchOutcome);
  }
  return outcomes;
}

function outcomeOf(line: OutputLine, wire: BatchWire): Omit<BatchOutcome, 'customId'> | null {
  const requestId = line.response?.request_id ?? null;
  if (line.error && !line.response) {
    if (line.error.code && NOT_RUN.has(line.error.code)) return null;
    return { error: fromServiceFailure({ service: wire.service, deploymentId: wire.deploymentId, status: null, code: line.error.code ?? null, serverMessage: line.error.message ?? 'the batch gave this request an error', requestId }) };
  }
  const status = line.response?.status_code ?? 0;
  const body = line.response?.body as (ChatCompletion & { error?: { code?: string | null; message?: string; type?: string } }) | undefined;
  if (status !== 200 || !body || body.error) {
    const error = body?.error;
    return { error: fromServiceFailure({ service: wire.service, deploymentId: wire.deploymentId, status: status || null, code: error?.code ?? error?.type ?? null, serverMessage: error?.message ?? 'the batch gave this request no answer', requestId }) };
  }
  return partsOf(body, requestId, wire);
}

/** A chat.completion as the parts its stream would have carried. */
function partsOf(body: ChatCompletion, requestId: string | null, wire: BatchWire): Omit<BatchOutcome, 'customId'> {
  const choice = body.choices?.[0];
  if (!choice) return { error: providerError('unknown', `${wire.service} (deployment "${wire.deploymentId}") answered this request with no choice.`, { requestId, retryable: false }) };
  const rawReason = choice.finish_reason ?? 'stop';
  if (rawReason === 'content_filter') {
    return { error: providerError('content_filter', `${wire.service} (deployment "${wire.deploymentId}") stopped the answer with its content filter.`, { requestId, retryable: false }) };
  }
  const parts: Array<Exclude<StreamPart, { type: 'error' }>> = [{ type: 'response-metadata', requestId: requestId ?? body.id ?? null, ...(body.model ? { model: body.model } : {}) }];
  const message = choice.message as ChatCompletion['choices'][number]['message'] & { reasoning_content?: string };
  if (message.reasoning_content) parts.push({ type: 'reasoning-delta', text: message.reasoning_content });
  if (message.content) parts.push({ type: 'text-delta', text: message.content });
  const calls = (message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [wholeCall(call.id, call.function.name, call.function.arguments)] : []));
  parts.push(...calls);
  if (body.usage) parts.push({ type: 'usage', usage: mapUsage(body.usage) });
  parts.push({ type: 'finish', reason: calls.length ? 'tool_calls' : mapFinishReason(rawReason), rawReason, ...(body.model ? { model: body.model } : {}), requestId: requestId ?? body.id ?? null });
  return { parts };
}
