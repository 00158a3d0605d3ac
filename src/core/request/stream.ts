/**
 * What a request is and what every provider adapter yields back.
 * Errors are values: one failing deployment never throws into the others.
 */
import type { Params } from './params';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The request parameters, as the one parameter schema (params.ts) defines them. */
export type ChatParams = Params;

export interface ChatRequest {
  system?: string;
  messages: ChatMessage[];
  params: ChatParams;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export type ProviderErrorKind =
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'quota'
  | 'not_found'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'timeout'
  | 'network'
  | 'server'
  | 'cancelled'
  | 'unknown';

export interface ProviderError {
  kind: ProviderErrorKind;
  /** One or two sentences a person can act on. Never contains a secret. */
  message: string;
  status: number | null;
  retryable: boolean;
  /** The provider's own request id when it gave one. */
  requestId: string | null;
  /** Parsed `retry-after` / `retry-after-ms`, when the service sent one. */
  retryAfterMs?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

export type StreamPart =
  /** Response headers arrived: the service accepted the request. */
  | { type: 'response-metadata'; requestId?: string | null; model?: string }
  | { type: 'text-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason; model?: string; requestId?: string | null }
  | { type: 'error'; error: ProviderError };

const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set(['rate_limit', 'server', 'network', 'timeout']);

export function providerError(
  kind: ProviderErrorKind,
  message: string,
  extra: Partial<Omit<ProviderError, 'kind' | 'message'>> = {},
): ProviderError {
  return {
    kind,
    message,
    status: extra.status ?? null,
    retryable: extra.retryable ?? RETRYABLE_KINDS.has(kind),
    requestId: extra.requestId ?? null,
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  };
}

export function isProviderError(value: unknown): value is ProviderError {
  return typeof value === 'object' && value !== null && typeof (value as ProviderError).kind === 'string'
    && typeof (value as ProviderError).message === 'string' && 'retryable' in value;
}
