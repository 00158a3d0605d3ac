/** Gemini's finishReason → Fanout's finish reason (safety, recitation and other blocks are a content filter). */
import type { FinishReason as GoogleFinishReason } from '@google/genai';
import type { FinishReason } from '../../core/request/stream';

const FINISH: Partial<Record<`${GoogleFinishReason}`, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  UNEXPECTED_TOOL_CALL: 'tool_calls',
  MALFORMED_FUNCTION_CALL: 'tool_calls',
};

export const mapFinishReason = (reason: string): FinishReason => FINISH[reason as `${GoogleFinishReason}`] ?? 'other';
