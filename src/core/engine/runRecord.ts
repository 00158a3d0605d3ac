/** What one deployment's run has gathered so far: the answer, its usage and timings, or the error that ended it. */
import type { FinishReason, ProviderError, StreamPart, Usage } from '../request/stream';
import { roundMs } from './clock';

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
}

export function emptyRunRecord(): RunRecord {
  return {
    text: '', usage: null, finishReason: null, requestId: null, answeredModel: null, error: null,
    ttftMs: null, totalMs: null, retries: 0, credentialMs: 0, credentialSource: null,
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
      record.text += part.text;
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
