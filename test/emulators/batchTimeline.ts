/**
 * How an emulated batch job moves through time, the same on every cloud: it waits (pending), runs through its lines
 * at an even pace, and ends succeeded — or failed, expired part way, or cancelled, with the lines done by then.
 * Time comes from the emulator's clock, so tests move it forward instead of waiting.
 */
export interface BatchKnobs {
  /** Time queued before it runs (default 0). */
  pendingMs?: number;
  /** Time to run through all its lines (default 0: done at once). */
  runningMs?: number;
  /** Every Nth line (1-based) fails with `lineError`. */
  failEvery?: number;
  /** Lines whose case key matches fail with `lineError`. */
  failing?: (key: string) => boolean;
  /** A failing line's status (default: the cloud's server error, 500 INTERNAL). */
  lineError?: { code: number; message: string; status: string };
  /** The job expires when this share of its lines is done (0.5: half done)… */
  expireAt?: number;
  /** …or when this many lines are done. */
  expireAfter?: number;
  /** A cancelled job has answered this many lines (default: those done by the time of the cancel). */
  cancelKeeps?: number;
  /** The whole job fails with this message as soon as it starts running. */
  failJob?: string;
}

export type Phase = 'pending' | 'running' | 'succeeded' | 'failed' | 'expired' | 'cancelling' | 'cancelled';

export interface Timeline {
  createdAt: number;
  knobs: BatchKnobs;
  lines: number;
  cancelledAt?: number;
}

/** The job's phase at `now`, and how many of its lines are done. */
export function phaseAt(job: Timeline, now: number): { phase: Phase; done: number; startedAt: number | null; endedAt: number | null } {
  const pending = job.knobs.pendingMs ?? 0;
  const running = job.knobs.runningMs ?? 0;
  const startedAt = job.createdAt + pending;
  const at = Math.min(now, job.cancelledAt ?? Infinity);
  const progress = at < startedAt ? 0 : running <= 0 ? 1 : Math.min(1, (at - startedAt) / running);
  const doneBy = (share: number): number => Math.floor(share * job.lines);
  const expireAt = job.knobs.expireAfter !== undefined ? Math.min(1, job.knobs.expireAfter / Math.max(1, job.lines)) : job.knobs.expireAt;
  if (at >= startedAt && job.knobs.failJob) return { phase: 'failed', done: 0, startedAt, endedAt: startedAt };
  if (expireAt !== undefined && progress >= expireAt) return { phase: 'expired', done: doneBy(expireAt), startedAt, endedAt: startedAt + running * expireAt };
  if (job.cancelledAt !== undefined) {
    const done = job.knobs.cancelKeeps !== undefined ? Math.min(job.knobs.cancelKeeps, job.lines) : doneBy(progress);
    return { phase: 'cancelled', done, startedAt: at >= startedAt ? startedAt : null, endedAt: job.cancelledAt };
  }
  if (at < startedAt) return { phase: 'pending', done: 0, startedAt: null, endedAt: null };
  if (progress < 1) return { phase: 'running', done: doneBy(progress), startedAt, endedAt: null };
  return { phase: 'succeeded', done: job.lines, startedAt, endedAt: startedAt + running };
}

/** Whether line `index` (0-based), of case `key`, fails by the knobs. */
export const lineFails = (knobs: BatchKnobs, index: number, key: string | null): boolean =>
  (knobs.failEvery !== undefined && (index + 1) % knobs.failEvery === 0) || (key !== null && knobs.failing?.(key) === true);

export const DEFAULT_LINE_ERROR = { code: 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', status: 'INTERNAL' };

export const iso = (ms: number): string => new Date(ms).toISOString();
