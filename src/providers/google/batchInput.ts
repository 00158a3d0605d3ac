/**
 * A batch item's request as the REST body a Google batch input line carries, converted as a streamed request is; and
 * what a streamed run would have said before sending (settings the cloud does not take, how it asks for JSON), kept
 * with the job so each fetched answer says it too.
 */
import type { BatchItem, BatchOutcome } from '../../core/batch/batchAdapter';
import type { StreamPart } from '../../core/request/stream';
import { beforeSending } from '../beforeSending';
import { convertRequest } from './convertRequest';
import { generateContentBody, type GenerateContentRequestBody } from './requestBody';

type SaidPart = Exclude<StreamPart, { type: 'error' }>;

/** The lines' bodies, and what was said before sending them, grouped: `[{parts, ids}]`, the largest group with no ids (every other case). */
export function inputOf(items: readonly BatchItem[], model: string, signal: AbortSignal): { bodies: GenerateContentRequestBody[]; said: string } {
  const groups = new Map<string, string[]>();
  const bodies = items.map((item) => {
    const converted = convertRequest(item.request, signal, model);
    const said = JSON.stringify([...beforeSending(converted)]);
    groups.set(said, [...(groups.get(said) ?? []), item.customId]);
    return generateContentBody(converted.contents, converted.config);
  });
  const sorted = [...groups.entries()].sort((one, other) => other[1].length - one[1].length);
  const said = sorted.filter(([parts]) => parts !== '[]').map(([parts, ids], index) => ({ parts: JSON.parse(parts) as SaidPart[], ...(index === 0 && sorted[0]![0] === parts ? {} : { ids }) }));
  return { bodies, said: JSON.stringify(said) };
}

/** Each answer with what was said before sending its request, first, as a stream would have had it. */
export function withSaid(outcomes: BatchOutcome[], said: string | undefined): BatchOutcome[] {
  const groups = said ? JSON.parse(said) as Array<{ parts: SaidPart[]; ids?: string[] }> : [];
  if (!groups.length) return outcomes;
  const byId = new Map<string, SaidPart[]>();
  for (const group of groups) for (const id of group.ids ?? []) byId.set(id, group.parts);
  const common = groups.find((group) => !group.ids)?.parts ?? [];
  return outcomes.map((outcome) => 'parts' in outcome ? { ...outcome, parts: [...(byId.get(outcome.customId) ?? common), ...outcome.parts] } : outcome);
}

/** The lines joined as JSONL, and its size in bytes. */
export function jsonl(lines: readonly unknown[]): { text: string; bytes: number } {
  const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  return { text, bytes: Buffer.byteLength(text, 'utf8') };
}

/** A job name as it may appear in a display name and an object path: letters, digits, "-", "_" and "." only. */
export const safeName = (jobName: string): string => jobName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100) || 'fanout';
