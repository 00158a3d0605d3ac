/** One deployment's result as its column shows it: the error redacted, the fix it offers, its calls and JSON check. */
import type { Deployment } from '../../core/config/deployment';
import type { DeploymentResult } from '../../core/engine/fanout';
import type { ColumnResult, ToolCallView } from '../../protocol';
import { actionsFor } from './columnActions';
import { structuredView } from './threadView';

/** `toolCalls`: the calls as `toolCallViews` checked them. */
export function toColumnResult(result: DeploymentResult, deployment: Deployment | undefined, redact: (text: string) => string, toolCalls: ToolCallView[] = []): ColumnResult {
  return {
    deploymentId: result.deployment,
    status: result.status === 'timeout' ? 'error' : result.status,
    text: result.text,
    metrics: result.metrics,
    finishReason: result.finishReason,
    error: result.error ? { kind: result.error.kind, message: redact(result.error.message) } : null,
    actions: actionsFor(result, deployment),
    answeredModel: result.answeredModel,
    costNote: result.costNote,
    retries: result.retries,
    requestId: result.requestId,
    credentialSource: result.credentialSource,
    toolCalls,
    warnings: result.warnings.map(redact),
    structured: structuredView(result),
    reasoning: result.reasoning ? redact(result.reasoning) : null,
    redactedReasoning: (result.reasoningBlocks ?? []).filter((block) => block.redactedData).length,
  };
}
