/** Bedrock's usage → Fanout's: Bedrock counts cache reads and writes apart from inputTokens; the contract wants the total with the cached part named. */
import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/request/stream';

export function mapUsage(usage: Partial<TokenUsage>): Usage {
  const cached = usage.cacheReadInputTokens ?? 0;
  return {
    inputTokens: (usage.inputTokens ?? 0) + cached + (usage.cacheWriteInputTokens ?? 0),
    outputTokens: usage.outputTokens ?? 0,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(usage.cacheWriteInputTokens ? { cacheWriteTokens: usage.cacheWriteInputTokens } : {}),
  };
}
