/**
 * How a Responses API response ended → Fanout's finish reason, with the cloud's own value kept (the status, or for an incomplete answer its reason): `completed` is a stop
 * (or tool_calls when the answer called a function); `incomplete` says why in incomplete_details.reason
 * (max_output_tokens → length, content_filter → content_filter).
 */
import type { FinishReason } from '../../core/request/stream';

export interface ResponsesEnd {
  /** The response's status: completed, incomplete, failed, cancelled… */
  status: string | null | undefined;
  /** incomplete_details.reason, when the status is incomplete. */
  incompleteReason?: string | null;
  madeToolCalls: boolean;
}

const INCOMPLETE: Record<string, FinishReason> = { max_output_tokens: 'length', content_filter: 'content_filter' };

export function mapResponsesFinish(end: ResponsesEnd): { reason: FinishReason; rawReason: string } {
  if (end.status === 'incomplete') {
    const why = end.incompleteReason ?? 'unknown';
    return { reason: INCOMPLETE[why] ?? 'other', rawReason: why };
  }
  const raw = end.status ?? 'unknown';
  if (end.status === 'completed') return { reason: end.madeToolCalls ? 'tool_calls' : 'stop', rawReason: raw };
  return { reason: 'other', rawReason: raw };
}
