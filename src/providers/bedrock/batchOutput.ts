/**
 * A Bedrock batch output line — `{recordId, modelInput, modelOutput}` or `{recordId, modelInput, error: {errorCode,
 * errorMessage}}` (docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html) — as the outcome of
 * its case. modelOutput is a Converse response body: the message's content blocks, stopReason and usage, mapped as
 * the streaming adapter maps the same events.
 */
import type { BatchOutcome } from '../../core/batch/batchAdapter';
import { providerError, type StreamPart } from '../../core/request/stream';
import { fromServiceFailure } from '../transport/errorMapping';
import { customIdOf } from './batchRecords';
import { SERVICE } from './errors';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';
import { wholeCall } from '../toolCallAssembler';

type Part = Exclude<StreamPart, { type: 'error' }>;

interface ConverseBlock {
  text?: string;
  toolUse?: { toolUseId?: string; name?: string; input?: unknown };
  reasoningContent?: { reasoningText?: { text?: string; signature?: string }; redactedContent?: string };
}
export interface OutputRecord {
  recordId?: string;
  modelInput?: { toolConfig?: { toolChoice?: { tool?: { name?: string } } } };
  modelOutput?: { output?: { message?: { content?: ConverseBlock[] } }; stopReason?: string; usage?: Record<string, number> };
  error?: { errorCode?: number | string; errorMessage?: string };
}

/** One line's outcome; null for a line that names no case of ours (blank, or not a record Fanout wrote). */
export function outcomeOf(line: string, deploymentId: string, answerTools: ReadonlySet<string>): BatchOutcome | null {
  if (!line.trim()) return null;
  let record: OutputRecord;
  try {
    record = JSON.parse(line) as OutputRecord;
  } catch {
    return null;
  }
  const customId = record.recordId ? customIdOf(record.recordId) : null;
  if (!customId) return null;
  if (record.error || !record.modelOutput) {
    const status = Number(record.error?.errorCode);
    const error = record.error
      ? fromServiceFailure({ service: SERVICE, deploymentId, status: Number.isFinite(status) && status > 0 ? status : null, serverMessage: record.error.errorMessage ?? null })
      : providerError('unknown', `${SERVICE} (deployment "${deploymentId}") wrote this record without an output or an error.`, { retryable: false });
    return { customId, error };
  }
  const output = record.modelOutput;
  // the forced tool that carries a JSON answer is Fanout's device: its input is the answer's text
  const forced = record.modelInput?.toolConfig?.toolChoice?.tool?.name;
  const answerTool = forced && answerTools.has(forced) ? forced : null;
  const parts: Part[] = [];
  let text = '';
  let answered = false;
  const calls: Part[] = [];
  for (const block of output.output?.message?.content ?? []) {
    if (block.text) text += block.text;
    else if (block.reasoningContent?.reasoningText) {
      const thought = block.reasoningContent.reasoningText;
      if (thought.text) parts.push({ type: 'reasoning-delta', text: thought.text });
      if (thought.signature) parts.push({ type: 'reasoning-end', signature: thought.signature });
    } else if (block.reasoningContent?.redactedContent) parts.push({ type: 'reasoning-end', redactedData: block.reasoningContent.redactedContent });
    else if (block.toolUse) {
      const input = JSON.stringify(block.toolUse.input ?? {});
      if (answerTool && block.toolUse.name === answerTool) {
        text += input;
        answered = true;
      } else calls.push(wholeCall(block.toolUse.toolUseId ?? `call_${calls.length + 1}`, block.toolUse.name ?? '', input));
    }
  }
  if (text) parts.push({ type: 'text-delta', text });
  parts.push(...calls);
  if (output.usage) parts.push({ type: 'usage', usage: mapUsage(output.usage) });
  const reason = mapFinishReason(output.stopReason);
  if (reason === 'content_filter') {
    return { customId, error: providerError('content_filter', `${SERVICE} (deployment "${deploymentId}") stopped the answer: a content filter or guardrail intervened.`, { retryable: false }) };
  }
  parts.push({ type: 'finish', reason: answered && !calls.length && reason === 'tool_calls' ? 'stop' : reason, rawReason: output.stopReason ?? null, requestId: null });
  return { customId, parts };
}
