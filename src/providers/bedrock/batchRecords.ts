/**
 * Bedrock batch input lines: `{recordId, modelInput}`, with the job created as `modelInvocationType: "Converse"`, so
 * modelInput is the Converse request body (docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html:
 * "If you use the Converse type, the format must match the request body of the Converse API") — the same mapping the
 * streaming adapter sends, for every model family Converse takes. The model travels in the job, not in the line.
 */
import type { BatchItem } from '../../core/batch/batchAdapter';
import { convertRequest } from './convertRequest';

/**
 * A recordId Bedrock takes ("alphanumeric string") that gives the case key back without any table: its UTF-8 bytes
 * in hex. The output comes back in any order, so each line must name its case by itself.
 */
export const recordIdOf = (customId: string): string => Buffer.from(customId, 'utf8').toString('hex');

export function customIdOf(recordId: string): string | null {
  return /^(?:[0-9a-f]{2})+$/.test(recordId) ? Buffer.from(recordId, 'hex').toString('utf8') : null;
}

export interface InputLine {
  line: string;
  /** The forced tool that carries a JSON answer (structured output through a tool), if this line made one. */
  answerTool: string | null;
}

export function inputLine(modelId: string, item: BatchItem): InputLine {
  const converted = convertRequest(modelId, item.request);
  const { modelId: _model, ...body } = converted.input;
  return { line: JSON.stringify({ recordId: recordIdOf(item.customId), modelInput: body }, blobsAsBase64), answerTool: converted.answerTool };
}

/** Converse's JSON wire carries blobs (image bytes, redacted reasoning) as base64, as the SDK's serializer writes them. */
function blobsAsBase64(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}
