/** A batch item's request as the REST body a Google batch input line carries: converted as a streamed request is. */
import type { BatchItem } from '../../core/batch/batchAdapter';
import { convertRequest } from './convertRequest';
import { generateContentBody, type GenerateContentRequestBody } from './requestBody';

export function itemBody(item: BatchItem, model: string, signal: AbortSignal): GenerateContentRequestBody {
  const converted = convertRequest(item.request, signal, model);
  return generateContentBody(converted.contents, converted.config);
}

/** The lines joined as JSONL, and its size in bytes. */
export function jsonl(lines: readonly unknown[]): { text: string; bytes: number } {
  const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  return { text, bytes: Buffer.byteLength(text, 'utf8') };
}

/** A job name as it may appear in a display name and an object path: letters, digits, "-", "_" and "." only. */
export const safeName = (jobName: string): string => jobName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100) || 'fanout';
