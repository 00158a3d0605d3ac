/** The batch core's events as stderr lines: each job submitted, each change of state (with counts), each fetch and each error. */
import type { BatchEvent } from '../core/batch/batchHost';
import type { BatchJobState } from '../core/batch/batchJobLine';

export function batchProgress(stderr: (text: string) => void): (event: BatchEvent) => void {
  const shown = new Map<string, string>();
  return (event) => {
    switch (event.type) {
      case 'submitted':
        stderr(`fanout: ${event.job.deployment}: ${event.job.service ?? 'batch'} job ${event.job.batchJob} submitted (${event.job.keys.length} case${event.job.keys.length === 1 ? '' : 's'})\n`);
        break;
      case 'status': {
        const line = jobLine(event.job);
        if (shown.get(event.job.batchJob) !== line) stderr(`fanout: ${line}\n`);
        shown.set(event.job.batchJob, line);
        break;
      }
      case 'fetched':
        stderr(`fanout: ${event.job.deployment}: job ${event.job.batchJob} fetched: ${event.cases} case${event.cases === 1 ? '' : 's'}${event.missing ? `, ${event.missing} never answered` : ''}\n`);
        break;
      case 'error':
        stderr(`fanout: ${event.deployment}${event.job ? `: job ${event.job}` : ''}: ${event.error.message}\n`);
        break;
    }
  };
}

/** "openai-mini: batch_abc in_progress (running) 1200/20000 done, 3 failed". */
export function jobLine(job: BatchJobState): string {
  const status = job.status;
  if (!status) return `${job.deployment}: ${job.batchJob} submitted ${job.submittedAt}, state not yet known`;
  const counts = status.total ? ` ${status.succeeded ?? 0}/${status.total} done${status.failed ? `, ${status.failed} failed` : ''}` : '';
  const raw = status.rawState !== status.state ? ` (${status.state})` : '';
  return `${job.deployment}: ${job.batchJob} ${status.rawState}${raw}${counts}${status.message ? ` — ${status.message}` : ''}`;
}
