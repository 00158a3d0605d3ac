/** A Google batch job's state (Vertex AI's JOB_STATE_*, and the Gemini API's BATCH_STATE_* as the SDK renames them) as Fanout's. */
import type { BatchJob } from '@google/genai';
import type { BatchState, BatchStatus } from '../../core/batch/batchAdapter';

const STATES: Record<string, BatchState> = {
  JOB_STATE_QUEUED: 'queued',
  JOB_STATE_PENDING: 'queued',
  JOB_STATE_RUNNING: 'running',
  JOB_STATE_UPDATING: 'running',
  JOB_STATE_PAUSED: 'running',
  JOB_STATE_SUCCEEDED: 'completed',
  JOB_STATE_PARTIALLY_SUCCEEDED: 'completed',
  JOB_STATE_FAILED: 'failed',
  JOB_STATE_CANCELLING: 'cancelling',
  JOB_STATE_CANCELLED: 'cancelled',
  JOB_STATE_EXPIRED: 'expired',
};

const count = (value: string | undefined): number | null => value === undefined ? null : Number(value);

export function batchStatus(job: BatchJob, service: string): BatchStatus {
  const rawState = job.state ?? 'JOB_STATE_UNSPECIFIED';
  const state = STATES[rawState] ?? 'queued';
  const stats = job.completionStats;
  const succeeded = count(stats?.successfulCount);
  const failed = count(stats?.failedCount);
  const incomplete = count(stats?.incompleteCount);
  const total = stats ? (succeeded ?? 0) + (failed ?? 0) + (incomplete ?? 0) : null;
  let message: string | null = null;
  if (state === 'failed') message = `${service} says the job failed${job.error?.message ? `: "${job.error.message.slice(0, 300)}"` : ''}. Fetch what finished, fix what it names, and submit again.`;
  if (state === 'expired') message = `${service} stopped the job before it finished (it ran or waited past its time limit). Fetch what finished; submit the rest again, or in smaller jobs.`;
  return { state, rawState, total, succeeded: stats ? succeeded ?? 0 : null, failed: stats ? failed ?? 0 : null, message };
}
