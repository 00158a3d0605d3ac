/**
 * One call as OpenTelemetry's GenAI semantic conventions describe it: the span's name, times and attributes, and
 * the metric points (`gen_ai.client.token.usage`, `gen_ai.client.operation.duration`, `fanout.cost_usd`). Pure:
 * the exporter chunk only hands these to the SDK. Prompts and answers are in it only when `includeContent` is on.
 */
import { deploymentOrigin, deploymentRegion, type Deployment } from '../config/deployment';
import { partsOf, type ChatRequest } from '../request/chatRequest';
import type { DeploymentResult } from '../engine/deploymentResult';
import { genAiProviderName } from '../../providers/telemetry/genAiProvider';

export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

export interface CallRecord {
  deployment: Deployment;
  request: ChatRequest;
  result: DeploymentResult;
  /** Wall-clock epoch milliseconds. */
  startTimeMs: number;
  endTimeMs: number;
  /** When this call was a fallback: the deployment the action asked for. */
  fallbackOf?: string;
}

export interface CallTelemetry {
  spanName: string;
  startTimeMs: number;
  endTimeMs: number;
  attributes: Attributes;
  /** The error's kind (also `error.type`), null when the call answered. */
  error: string | null;
  errorMessage: string | null;
  /** What every metric point of this call carries. */
  metricAttributes: Attributes;
  durationS: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export const OPERATION = 'chat';

export function describeCall(call: CallRecord, includeContent: boolean): CallTelemetry {
  const { deployment, request, result } = call;
  const origin = new URL(deploymentOrigin(deployment));
  const region = deploymentRegion(deployment);
  const error = result.error?.kind ?? null;
  const params = { ...deployment.params, ...request.params };
  const metricAttributes: Attributes = {
    'gen_ai.operation.name': OPERATION,
    'gen_ai.provider.name': genAiProviderName(deployment.provider),
    'gen_ai.request.model': deployment.model,
    'gen_ai.response.model': result.answeredModel ?? deployment.model,
    'server.address': origin.hostname,
    'fanout.deployment': deployment.id,
    ...(region ? { 'cloud.region': region } : {}),
    ...(error ? { 'error.type': error } : {}),
  };
  const attributes: Attributes = {
    ...metricAttributes,
    ...(origin.port ? { 'server.port': Number(origin.port) } : {}),
    'fanout.provider': deployment.provider,
    'fanout.status': result.status,
    ...(result.finishReason ? { 'gen_ai.response.finish_reasons': [result.finishReason] } : {}),
    ...(result.metrics.inputTokens !== null ? { 'gen_ai.usage.input_tokens': result.metrics.inputTokens } : {}),
    ...(result.metrics.outputTokens !== null ? { 'gen_ai.usage.output_tokens': result.metrics.outputTokens } : {}),
    ...(result.metrics.costUsd !== null ? { 'fanout.cost_usd': result.metrics.costUsd } : {}),
    ...(result.metrics.ttftMs !== null ? { 'fanout.ttft_ms': result.metrics.ttftMs } : {}),
    ...(result.metrics.totalMs !== null ? { 'fanout.total_ms': result.metrics.totalMs } : {}),
    ...(result.requestId ? { 'gen_ai.response.id': result.requestId } : {}),
    ...(params.temperature !== undefined ? { 'gen_ai.request.temperature': params.temperature } : {}),
    ...(params.maxTokens !== undefined ? { 'gen_ai.request.max_tokens': params.maxTokens } : {}),
    ...(call.fallbackOf ? { 'fanout.fallback_of': call.fallbackOf } : {}),
    ...(includeContent ? contentAttributes(request, result) : {}),
  };
  const durationMs = result.metrics.totalMs ?? Math.max(0, call.endTimeMs - call.startTimeMs);
  return {
    spanName: `${OPERATION} ${deployment.model}`,
    startTimeMs: call.startTimeMs,
    endTimeMs: Math.max(call.startTimeMs, call.endTimeMs),
    attributes,
    error,
    errorMessage: result.error?.message ?? null,
    metricAttributes,
    durationS: durationMs / 1000,
    inputTokens: result.metrics.inputTokens,
    outputTokens: result.metrics.outputTokens,
    costUsd: result.metrics.costUsd,
  };
}

/** The conventions' message shapes, as JSON text: system instructions, the input messages, the answer. */
function contentAttributes(request: ChatRequest, result: DeploymentResult): Attributes {
  const parts = (message: ChatRequest['messages'][number]) => partsOf(message).map((part) => {
    switch (part.type) {
      case 'text': return { type: 'text', content: part.text };
      case 'image': return { type: 'blob', modality: 'image', mime_type: part.mediaType };
      case 'reasoning': return { type: 'reasoning', content: part.text };
      case 'tool-call': return { type: 'tool_call', id: part.id, name: part.name, arguments: part.arguments };
      case 'tool-result': return { type: 'tool_call_response', id: part.toolCallId, response: part.content };
    }
  });
  const output = [
    ...(result.text ? [{ type: 'text', content: result.text }] : []),
    ...result.toolCalls.map((call) => ({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments })),
  ];
  return {
    ...(request.system ? { 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: request.system }]) } : {}),
    'gen_ai.input.messages': JSON.stringify(request.messages.map((message) => ({ role: message.role, parts: parts(message) }))),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: output, finish_reason: result.finishReason ?? result.error?.kind ?? 'error' }]),
  };
}
