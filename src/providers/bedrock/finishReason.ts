/** Bedrock's stopReason → Fanout's finish reason; the raw value is kept beside it by the adapter. */
import type { StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { FinishReason } from '../../core/request/stream';

const FINISH: Record<StopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
  tool_use: 'tool_calls',
  malformed_model_output: 'other',
  malformed_tool_use: 'other',
};

export const mapFinishReason = (stopReason: string | undefined): FinishReason => (stopReason ? FINISH[stopReason as StopReason] ?? 'other' : 'other');
