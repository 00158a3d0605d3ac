/** A model invocation job's status (GetModelInvocationJob) as the batch contract's state and counts. */
import type { BatchState, BatchStatus } from '../../core/batch/batchAdapter';

const STATES: Record<string, BatchState> = {
  Submitted: 'validating',
  Validating: 'validating',
  Scheduled: 'queued',
  InProgress: 'running',
  Completed: 'completed',
  // some records failed: their errors are in the output, per record
  PartiallyCompleted: 'completed',
  Failed: 'failed',
  Stopping: 'cancelling',
  Stopped: 'cancelled',
  Expired: 'expired',
};

export interface JobDescription {
  status?: string;
  message?: string;
  totalRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
}

export function mapJobStatus(job: JobDescription): BatchStatus {
  const rawState = job.status ?? 'Submitted';
  const state = STATES[rawState] ?? 'running';
  const fix = state === 'expired'
    ? ' The job ran out of time: fetch what it finished, and send the rest again.'
    : state === 'failed' ? ' Check batch.roleArn (the role must trust bedrock.amazonaws.com and may read and write batch.s3Uri) and the model id.' : '';
  return {
    state,
    rawState,
    total: job.totalRecordCount ?? null,
    succeeded: job.successRecordCount ?? null,
    failed: job.errorRecordCount ?? null,
    message: job.message || fix ? `${job.message ? job.message.replace(/([^.!?])$/, '$1.') : ''}${fix}`.trim() : null,
  };
}
