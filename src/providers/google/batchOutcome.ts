/**
 * One batch output line as a case's outcome: the answer's parts (mapped as a streamed answer is, through
 * responseParts, then merged so the text comes whole) or the error the cloud gave that line, as a ProviderError.
 */
import type { BatchOutcome } from '../../core/batch/batchAdapter';
import { providerError, type StreamPart } from '../../core/request/stream';
import { fromServiceFailure } from '../transport/errorMapping';
import { blockedPrompt, endOfAnswer, newAnswerState, responseParts, type ResponseFields } from './responseParts';

type AnswerPart = Exclude<StreamPart, { type: 'error' }>;

/** A google.rpc.Status as the Gemini API writes it on an error line (and Vertex inside its status text). */
export interface LineStatus {
  code?: number;
  message?: string;
  status?: string;
}

export function outcomeOfResponse(customId: string, response: ResponseFields, service: string, deploymentId: string): BatchOutcome {
  const state = newAnswerState();
  const blocked = blockedPrompt(response, service, response.responseId ?? null);
  if (blocked) return { customId, error: blocked };
  const parts: AnswerPart[] = [];
  for (const part of responseParts(response, state)) {
    const last = parts.at(-1);
    // one whole text (and one whole reasoning text) per answer, as a stream's deltas would add up to
    if (last && (part.type === 'text-delta' || part.type === 'reasoning-delta') && last.type === part.type) last.text += part.text;
    else parts.push({ ...part });
  }
  if (state.finishReason === null) {
    return { customId, error: providerError('server', `${service} (deployment "${deploymentId}") returned an answer with no finish reason for this case. Run it again.`, { requestId: state.requestId }) };
  }
  const end = endOfAnswer(state, service, deploymentId);
  if (end.type === 'error') return { customId, error: end.error };
  const metadata: AnswerPart = { type: 'response-metadata', requestId: state.requestId, ...(state.model ? { model: state.model } : {}) };
  return { customId, parts: [metadata, ...parts, end as AnswerPart] };
}

export function outcomeOfStatus(customId: string, status: LineStatus, service: string, deploymentId: string): BatchOutcome {
  return { customId, error: fromServiceFailure({ service, deploymentId, status: status.code ?? null, code: status.status ?? null, serverMessage: status.message ?? null, requestId: null }) };
}

const REASONS: Record<string, number> = { 'bad request': 400, unauthorized: 401, forbidden: 403, 'not found': 404, 'too many requests': 429, 'internal server error': 500, 'service unavailable': 503, 'gateway timeout': 504 };

/**
 * Vertex AI's `status` of a failed line: text such as `Bad Request: {"error": {"code": 400, "message": …}}`, or an
 * object. Read into a status with the HTTP code, whichever way it came.
 */
export function parseVertexStatus(status: unknown): LineStatus {
  if (typeof status === 'object' && status !== null) {
    const inner = (status as { error?: LineStatus }).error ?? status as LineStatus;
    return { ...(typeof inner.code === 'number' ? { code: inner.code } : {}), ...(inner.message ? { message: String(inner.message) } : {}), ...(inner.status ? { status: String(inner.status) } : {}) };
  }
  const text = String(status);
  const brace = text.indexOf('{');
  if (brace >= 0) {
    try {
      return parseVertexStatus(JSON.parse(text.slice(brace)));
    } catch {
      // not JSON after all: read the words
    }
  }
  const reason = /^\s*([A-Za-z ]+?)\s*:/.exec(text)?.[1]?.toLowerCase();
  const code = reason ? REASONS[reason] : undefined;
  return { ...(code ? { code } : {}), message: text.slice(0, 500) };
}
