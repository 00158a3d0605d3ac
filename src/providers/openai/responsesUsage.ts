/**
 * The Responses API's usage (on response.completed / response.incomplete) → Fanout's usage. input_tokens already
 * includes the cached tokens (input_tokens_details.cached_tokens, and cache_write_tokens where given) and output_tokens the reasoning tokens
 * (output_tokens_details.reasoning_tokens), as Fanout counts them; the details are named beside.
 */
import type { ResponseUsage } from 'openai/resources/responses/responses';
import type { Usage } from '../../core/request/stream';

export function mapResponsesUsage(usage: ResponseUsage): Usage {
  const cached = usage.input_tokens_details?.cached_tokens;
  const written = usage.input_tokens_details?.cache_write_tokens;
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(written ? { cacheWriteTokens: written } : {}),
    ...(typeof reasoning === 'number' ? { reasoningTokens: reasoning } : {}),
  };
}
