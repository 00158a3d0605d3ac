/** What one deployment's run has gathered so far: the answer, its usage and timings, or the error that ended it. */
import type { FinishReason, ProviderError, StreamPart, StructuredOutputMode, Usage } from '../request/stream';
import { roundMs } from './clock';
import type { CallTrace, LatencyPhases } from './callTrace';

export interface RunRecord {
  text: string;
  usage: Usage | null;
  finishReason: FinishReason | null;
  requestId: string | null;
  answeredModel: string | null;
  error: ProviderError | null;
  ttftMs: number | null;
  totalMs: number | null;
  retries: number;
  credentialMs: number;
  credentialSource: string | null;
  /** Whole tool calls, in the order they came. */
  toolCalls: ToolCallResult[];
  /** Whether any output (text or a tool call's arguments) has arrived: from then on nothing is retried. */
  outputStarted: boolean;
  /** What the cloud did not take, said before sending (each once, however many attempts). */
  warnings: string[];
  structuredOutput: StructuredOutputMode | null;
  /** Reasoning text as it streamed, and each finished block (with its signature) to send back in a conversation. */
  reasoning: string;
  reasoningBlocks: ReasoningBlock[];
  /** The reasoning block still streaming (clouds without an end marker leave it open until the answer ends). */
  openReasoning: ReasoningBlock | null;
  /** When the first reasoning arrived, after the request was sent. */
  ttfrMs: number | null;
  /** The last attempt's transport trace, read into `metrics.phases` at the end. */
  trace: CallTrace | null;
  phases: LatencyPhases | null;
}

export interface ReasoningBlock {
  text: string;
  signature?: string;
  redactedData?: string;
}

/** A tool call as results show it: `arguments` parsed; `error` and `rawArguments` when the cloud sent no JSON object. */
export interface ToolCallResult {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  rawArguments?: string;
  error?: string;
}

export function emptyRunRecord(): RunRecord {
  return {
    text: '', usage: null, finishReason: null, requestId: null, answeredModel: null, error: null,
    ttftMs: null, totalMs: null, retries: 0, credentialMs: 0, credentialSource: null,
    toolCalls: [], outputStarted: false, warnings: [], structuredOutput: null, reasoning: '', reasoningBlocks: [], openReasoning: null, ttfrMs: null, trace: null, phases: null,
  };
}

/**
 * Folds one part (not an error part) into the record, `atMs` after the request was sent.
 * Returns false for a part that carries nothing to show (an empty text delta).
 */
export function recordPart(record: RunRecord, part: Exclude<StreamPart, { type: 'error' }>, atMs: number): boolean {
  switch (part.type) {
    case 'response-metadata':
      record.requestId = part.requestId ?? record.requestId;
      if (part.model) record.answeredModel = part.model;
      break;
    case 'text-delta':
      if (part.text === '') return false;
      if (record.ttftMs === null) record.ttftMs = roundMs(atMs);
      record.outputStarted = true;
      record.text += part.text;
      break;
    case 'reasoning-delta':
      if (part.text === '') return false;
      if (record.ttfrMs === null) record.ttfrMs = roundMs(atMs);
      record.outputStarted = true; // thinking is output: a stream cut after it is not silently re-asked
      record.reasoning += part.text;
      record.openReasoning ??= { text: '' };
      record.openReasoning.text += part.text;
      break;
    case 'reasoning-end':
      record.reasoningBlocks.push({
        text: record.openReasoning?.text ?? '',
        ...(part.signature ? { signature: part.signature } : {}),
        ...(part.redactedData ? { redactedData: part.redactedData } : {}),
      });
      record.openReasoning = null;
      break;
    case 'tool-call-delta':
      record.outputStarted = true;
      break;
    case 'tool-call':
      record.outputStarted = true;
      record.toolCalls.push({
        id: part.id, name: part.name, arguments: part.arguments,
        ...(part.invalidArguments ? { error: part.invalidArguments, rawArguments: part.rawArguments ?? '' } : {}),
      });
      break;
    case 'warning':
      if (!record.warnings.includes(part.message)) record.warnings.push(part.message);
      break;
    case 'structured-output':
      record.structuredOutput = part.mode;
      break;
    case 'usage':
      record.usage = part.usage;
      break;
    case 'finish':
      record.finishReason = part.reason;
      if (part.model) record.answeredModel = part.model;
      record.requestId = part.requestId ?? record.requestId;
      break;
  }
  return true;
}

