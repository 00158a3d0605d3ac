/** Gemini's usageMetadata → Fanout's usage: thinking tokens are billed as output, so they count in outputTokens. */
import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import type { Usage } from '../../core/request/stream';

export function mapUsage(usage: GenerateContentResponseUsageMetadata): Usage {
  return {
    inputTokens: usage.promptTokenCount ?? 0,
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    ...(usage.cachedContentTokenCount ? { cachedInputTokens: usage.cachedContentTokenCount } : {}),
    ...(usage.thoughtsTokenCount ? { reasoningTokens: usage.thoughtsTokenCount } : {}),
  };
}
