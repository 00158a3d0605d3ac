/** A chat-completions finish_reason → Fanout's finish reason. */
import type { FinishReason } from '../../core/request/stream';

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

export const mapFinishReason = (reason: string): FinishReason => FINISH[reason] ?? 'other';
