/** One deployment's result as every front end shows it, and how it is built from the run's record (metrics, cost). */
import type { Deployment, ProviderKind } from '../config/deployment';
import { costOf } from '../results/pricing';
import type { FinishReason, ProviderError, StructuredOutputMode } from '../request/stream';
import type { ReasoningBlock, RunRecord, ToolCallResult } from './runRecord';
import { NO_STRUCTURED_CHECK } from '../results/structuredOutput';
import type { ConnectionUse, LatencyPhases } from './callTrace';

export type RunStatus = 'ok' | 'error' | 'timeout' | 'cancelled';

export interface Metrics {
  ttftMs: number | null;
  totalMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Visible output tokens (output minus reasoning) over the time after the first visible token. */
  tokensPerSecond: number | null;
  costUsd: number | null;
  /** Reasoning tokens, inside outputTokens; null where the cloud does not count them (Bedrock). */
  reasoningTokens?: number | null;
  /** Input tokens written to the cloud's prompt cache (Bedrock, priced above input); null where not said. */
  cacheWriteTokens?: number | null;
  /** When the first reasoning arrived, beside ttftMs (the first visible token). */
  ttfrMs?: number | null;
  /** Queue, DNS, connect, TLS, headers, first token, streaming, from the transport's own events (null when none were seen). */
  phases?: LatencyPhases;
  /** Whether the call opened a connection or went on a kept one (absent with phases). */
  connection?: ConnectionUse;
}

export interface DeploymentResult {
  deployment: string;
  /** A cloud provider, or `vscode-lm` for a chat model the editor itself offers (playground only). */
  provider: ProviderKind | 'vscode-lm';
  model: string;
  status: RunStatus;
  text: string;
  finishReason: FinishReason | null;
  metrics: Metrics;
  error: ProviderError | null;
  requestId: string | null;
  /** The model id the service said answered, when it differs from or refines `model`. */
  answeredModel: string | null;
  /** Retries made before the first token (each one was reported as a `retry` event). */
  retries: number;
  /** Time spent getting the credential (SSO, Entra, ADC…), kept out of ttft. */
  credentialMs: number;
  /** Where the credential came from, in words ("the key saved for https://…", "AWS profile \"dev\""); never the secret. */
  credentialSource: string | null;
  /** Why cost is null, or which rate was used. */
  costNote: string | null;
  cachedInputTokens: number | null;
  /** The tool calls the answer made ([] when none). */
  toolCalls: ToolCallResult[];
  /** Settings this cloud or model did not take, said before sending. */
  warnings: string[];
  /** How this cloud was made to answer in JSON, when JSON was asked. */
  structuredOutput: StructuredOutputMode | null;
  /** The parsed answer when a JSON format was asked (null when it is not JSON). */
  json: unknown;
  schemaValid: boolean | null;
  /** Each error as "/pointer: message". */
  schemaErrors: string[];
  /** The reasoning the cloud streamed (null when it streamed none). */
  reasoning: string | null;
  /** Each reasoning block with its signature, for a conversation to send back unchanged. */
  reasoningBlocks: ReasoningBlock[];
  /** Run with its fallbacks (see fallback.ts): the deployment that answered, null when none did. */
  answeredBy?: string | null;
  /** Run with its fallbacks: every deployment tried, in order, the one that answered last (its error null). */
  attempts?: FallbackAttempt[];
}

/** One deployment tried for a single-deployment action that may fall back. */
export interface FallbackAttempt {
  deployment: string;
  error: ProviderError | null;
  costUsd: number | null;
  /** Request to last byte of this attempt (null when nothing was sent). */
  totalMs: number | null;
}

/** The result fields beyond text for an answer that made no tool call and was asked for no format. */
export const PLAIN_ANSWER = { toolCalls: [], warnings: [], structuredOutput: null, json: null, schemaValid: null, schemaErrors: [], reasoning: null, reasoningBlocks: [] } satisfies Partial<DeploymentResult>;

export function toResult(deployment: Deployment, record: RunRecord): DeploymentResult {
  const cost = costOf(deployment, record.usage);
  const outputTokens = record.usage?.outputTokens ?? null;
  const reasoningTokens = record.usage?.reasoningTokens ?? null;
  const generationMs = record.ttftMs !== null && record.totalMs !== null ? record.totalMs - record.ttftMs : null;
  // tokens/s counts what the reader sees: reasoning is taken out when the cloud counts it; when it streamed
  // reasoning without counting it (Bedrock), the visible share is unknown and no rate is claimed
  const uncountedReasoning = record.reasoning !== '' && reasoningTokens === null;
  const visibleTokens = outputTokens === null || uncountedReasoning ? null : outputTokens - (reasoningTokens ?? 0);
  const blocks = record.openReasoning?.text ? [...record.reasoningBlocks, record.openReasoning] : record.reasoningBlocks;
  return {
    deployment: deployment.id,
    provider: deployment.provider,
    model: deployment.model,
    status: statusOf(record.error),
    text: record.text,
    finishReason: record.finishReason,
    metrics: {
      ttftMs: record.ttftMs,
      totalMs: record.totalMs,
      inputTokens: record.usage?.inputTokens ?? null,
      outputTokens,
      tokensPerSecond: visibleTokens && generationMs && generationMs > 0 ? Math.round((visibleTokens / (generationMs / 1000)) * 10) / 10 : null,
      costUsd: cost.costUsd,
      reasoningTokens,
      cacheWriteTokens: record.usage?.cacheWriteTokens ?? null,
      ttfrMs: record.ttfrMs,
      ...(record.phases && record.trace?.connection ? { phases: record.phases, connection: record.trace.connection } : {}),
    },
    error: record.error,
    requestId: record.requestId,
    answeredModel: record.answeredModel && record.answeredModel !== deployment.model ? record.answeredModel : null,
    retries: record.retries,
    credentialMs: record.credentialMs,
    credentialSource: record.credentialSource,
    costNote: cost.note,
    cachedInputTokens: record.usage?.cachedInputTokens ?? null,
    toolCalls: record.toolCalls,
    warnings: spentOnReasoning(record) ? [...record.warnings, spentOnReasoning(record)!] : record.warnings,
    structuredOutput: record.structuredOutput,
    ...NO_STRUCTURED_CHECK,
    reasoning: record.reasoning === '' ? null : record.reasoning,
    reasoningBlocks: blocks,
  };
}

function statusOf(error: ProviderError | null): RunStatus {
  if (error === null) return 'ok';
  if (error.kind === 'timeout') return 'timeout';
  if (error.kind === 'cancelled') return 'cancelled';
  return 'error';
}

/** An answer that used its whole budget thinking and wrote nothing visible says exactly that. */
function spentOnReasoning(record: RunRecord): string | null {
  const thought = record.reasoning !== '' || (record.usage?.reasoningTokens ?? 0) > 0;
  if (record.error || record.finishReason !== 'length' || record.text !== '' || record.toolCalls.length || !thought) return null;
  const spent = record.usage?.outputTokens;
  return `The model spent its whole output budget${spent ? ` (${spent} tokens)` : ''} reasoning and wrote no visible answer: raise max tokens, or lower the reasoning effort.`;
}
