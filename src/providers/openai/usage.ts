/** A chat-completions usage chunk → Fanout's usage, with cached prompt tokens named. */
import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../../core/request/stream';

export function mapUsage(usage: CompletionUsage): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
