/** A deployment's result as the engine gives it, for tests of what the playground does with answers. */
import { PLAIN_ANSWER, type DeploymentResult, type ToolCallResult } from '../../src/core/engine/fanout';

export function answer(deployment: string, text: string, toolCalls: ToolCallResult[] = [], status: DeploymentResult['status'] = 'ok'): DeploymentResult {
  return {
    ...PLAIN_ANSWER, deployment, provider: 'openai', model: 'm', status, text, toolCalls, finishReason: toolCalls.length ? 'tool_calls' : 'stop',
    metrics: { ttftMs: 1, totalMs: 2, inputTokens: 1, outputTokens: 1, tokensPerSecond: 1, costUsd: null },
    error: status === 'ok' ? null : { kind: 'server', message: 'boom', status: 500, retryable: true, requestId: null },
    requestId: null, answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, costNote: null, cachedInputTokens: null,
  };
}
