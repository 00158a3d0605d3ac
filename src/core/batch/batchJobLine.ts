/**
 * A batch job's line in the results file, beside the case lines: what it is (the cloud's ids, the deployment, which
 * cases it holds, when it was sent, the config and tests files it was made from) and what was last known of it. A
 * job is written whole once when submitted; later lines carry only what changed (state, counts, fetched, missing),
 * and the latest value of each field wins. Never a secret: ids, file names, URIs, counts and paths only.
 */
import type { BatchJobRef, BatchStatus } from './batchAdapter';

export interface BatchJobLine {
  /** The cloud's job id (the line's marker: case lines have `key`, job lines `batchJob`). */
  batchJob: string;
  deployment: string;
  /** Present on the submitted line. */
  ref?: BatchJobRef;
  /** The provider kind and the service's name ("OpenAI Batch API"), for status lines. */
  provider?: string;
  service?: string;
  /** The case keys it holds (the submitted line only). */
  keys?: string[];
  /** ISO time it was submitted. */
  submittedAt?: string;
  /** Where a later `fanout batch …` rebuilds the plan from (null when the host has no such files: the editor's settings). */
  config?: string | null;
  tests?: string | null;
  repeat?: number;
  /** The latest known state. */
  status?: BatchStatus | null;
  /** ISO time of the latest update. */
  updatedAt?: string;
  /** Its outcomes were written as case lines (a later fetch finds nothing more to add). */
  fetched?: boolean;
  /** After fetch: keys the cloud gave no outcome for (expired, cancelled or failed part way). */
  missing?: string[];
}

/** A job as the file knows it now: its lines merged in order. */
export type BatchJobState = BatchJobLine & Required<Pick<BatchJobLine, 'ref' | 'keys' | 'submittedAt'>>;

export function isBatchJobLine(value: unknown): value is BatchJobLine {
  if (value === null || typeof value !== 'object') return false;
  const line = value as Partial<BatchJobLine>;
  return typeof line.batchJob === 'string' && typeof line.deployment === 'string'
    && (line.keys === undefined || Array.isArray(line.keys)) && (line.ref === undefined || (typeof line.ref === 'object' && line.ref !== null && typeof line.ref.id === 'string'));
}

/** Every job in the file, its lines merged (latest field wins), in the order they were first written. */
export function mergeJobLines(lines: readonly BatchJobLine[]): BatchJobState[] {
  const jobs = new Map<string, BatchJobLine>();
  for (const line of lines) {
    const id = `${line.deployment}\u0000${line.batchJob}`;
    const known = jobs.get(id);
    jobs.set(id, known ? { ...known, ...definedFields(line) } : { ...line });
  }
  return [...jobs.values()].filter((job): job is BatchJobState => job.ref !== undefined && job.keys !== undefined && job.submittedAt !== undefined);
}

function definedFields(line: BatchJobLine): Partial<BatchJobLine> {
  return Object.fromEntries(Object.entries(line).filter(([, value]) => value !== undefined));
}
