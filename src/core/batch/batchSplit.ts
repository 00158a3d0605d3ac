/**
 * Splits one deployment's items into jobs its cloud takes: at most `maxItems` requests and `maxBytes` of input file
 * each (the bytes estimated from the request's JSON plus each cloud's envelope, on the safe side). A set smaller
 * than `minItems` is refused before anything is uploaded, with the fix.
 */
import type { BatchItem, BatchLimits } from './batchAdapter';

/** A line's envelope beyond the request's own JSON (custom id, method, url, the cloud's field names), generously. */
const ENVELOPE_BYTES = 512;
/** The cloud's request body is larger than ours (its own field names, roles): counted as this share on top. */
const BODY_GROWTH = 1.25;

export function estimatedBytes(item: BatchItem): number {
  return Math.ceil(Buffer.byteLength(JSON.stringify(item.request)) * BODY_GROWTH) + Buffer.byteLength(item.customId) + ENVELOPE_BYTES;
}

export type SplitResult = { ok: true; jobs: BatchItem[][] } | { ok: false; reason: string };

export function splitItems(items: readonly BatchItem[], limits: BatchLimits, service: string): SplitResult {
  if (items.length === 0) return { ok: true, jobs: [] };
  if (items.length < limits.minItems) {
    return { ok: false, reason: `${service} takes at least ${limits.minItems} requests in a job and this deployment has ${items.length} — add tests or --repeat, or run it without --batch` };
  }
  const jobs: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = estimatedBytes(item);
    if (size > limits.maxBytes) return { ok: false, reason: `case ${item.customId} alone is larger than ${service}'s ${limits.maxBytes} bytes a file — shorten its prompt or images, or run it without --batch` };
    if (current.length && (current.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      jobs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  jobs.push(current);
  // a last job below the minimum borrows from the one before it (both stay within the limits: minItems ≤ maxItems / 2 on every cloud)
  const last = jobs.at(-1)!;
  if (jobs.length > 1 && last.length < limits.minItems) {
    const before = jobs.at(-2)!;
    last.unshift(...before.splice(before.length - (limits.minItems - last.length)));
  }
  return { ok: true, jobs };
}
