/**
 * What a request is and what every provider adapter yields back.
 * Errors are values: one failing deployment never throws into the others.
 */
import type { Params } from './params';

export type { ChatMessage, ChatRequest, ContentPart, JsonSchema, Reasoning, ResponseFormat, ToolChoice, ToolDefinition } from './chatRequest';

/** The request parameters, as the one parameter schema (params.ts) defines them. */
export type ChatParams = Params;

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

/**
 * Normalised per cloud: inputTokens includes cached reads and writes; outputTokens includes reasoning (output =
 * max(completion, total − prompt) where a cloud counts reasoning outside). A count the cloud does not give is absent.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** How a cloud was made to answer in JSON: its own schema field, a forced tool, or an instruction in the prompt. */
export type StructuredOutputMode = 'native' | 'tool' | 'instruction';

export type StreamPart =
  /** A setting this cloud or model does not take, said before sending: never silently dropped, never a surprise 400. */
  | { type: 'warning'; feature: string; message: string }
  /** How the request asks for JSON on this cloud (said before sending, when the request wants JSON). */
  | { type: 'structured-output'; mode: StructuredOutputMode }
  /** Response headers arrived: the service accepted the request. */
  | { type: 'response-metadata'; requestId?: string | null; model?: string }
  | { type: 'text-delta'; text: string }
  /** Reasoning text (Bedrock reasoningContent, Gemini thought summaries, Responses reasoning summaries). */
  | { type: 'reasoning-delta'; text: string }
  /** The end of a reasoning block: Bedrock's signature, or a redacted block (its data, to send back unchanged). */
  | { type: 'reasoning-end'; signature?: string; redactedData?: string }
  /** A fragment of a tool call's arguments as it streams (OpenAI, Bedrock); `name` on the first fragment. */
  | { type: 'tool-call-delta'; id: string; name?: string; argumentsDelta: string }
  /**
   * A whole tool call. `arguments` is the parsed object; when the cloud sent arguments that are not a JSON object,
   * `arguments` is {} and `invalidArguments` says why, with the raw text kept in `rawArguments`.
   */
  | { type: 'tool-call'; id: string; name: string; arguments: Record<string, unknown>; rawArguments?: string; invalidArguments?: string }
  | { type: 'usage'; usage: Usage }
  /** `rawReason`: the cloud's own value (finish_reason, stopReason, finishReason), kept beside the normalised one. */
  | { type: 'finish'; reason: FinishReason; rawReason?: string | null; model?: string; requestId?: string | null }
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
