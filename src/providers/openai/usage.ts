/**
 * A chat-completions usage chunk → Fanout's usage, with cached prompt tokens named. Output includes reasoning: OpenAI
 * counts reasoning inside completion_tokens, while some OpenAI-compatible servers (xAI) count it outside, where only
 * total_tokens shows it — so output is the larger of completion_tokens and total − prompt.
 */
import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../../core/request/stream';

export function mapUsage(usage: CompletionUsage): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const outsideCompletion = typeof usage.total_tokens === 'number' ? usage.total_tokens - usage.prompt_tokens : 0;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: Math.max(usage.completion_tokens, outsideCompletion),
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
