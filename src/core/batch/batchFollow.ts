/**
 * Follows jobs until each reaches a final state (or the signal aborts): asks each job's status every `pollMs` on the
 * host's clock, writes a job line when its state or counts change, and reports each status. A status the cloud
 * would not give (a network blip) is reported and asked again at the next poll.
 */
import type { Deployment } from '../config/deployment';
import { sleep } from '../engine/clock';
import { FINAL_BATCH_STATES, type BatchStatus } from './batchAdapter';
import { callFor, isoNow, type BatchHost } from './batchHost';
import type { BatchJobState } from './batchJobLine';
import { batchAdapterOf } from './batchSupport';

export const DEFAULT_POLL_MS = 30_000;

export const isFinal = (status: BatchStatus | null | undefined): boolean => !!status && FINAL_BATCH_STATES.includes(status.state);

const sameStatus = (a: BatchStatus | null | undefined, b: BatchStatus): boolean =>
  !!a && a.state === b.state && a.rawState === b.rawState && a.total === b.total && a.succeeded === b.succeeded && a.failed === b.failed;

/** Asks every job not yet final for its status once; updates `jobs` in place. */
export async function refreshJobs(jobs: BatchJobState[], deployments: ReadonlyMap<string, Deployment>, host: BatchHost): Promise<void> {
  await Promise.all(jobs.filter((job) => !isFinal(job.status)).map(async (job) => {
    const deployment = deployments.get(job.deployment);
    if (!deployment) return;
    const call = await callFor(deployment, host);
    const answer = call.ok ? await (await batchAdapterOf(deployment)).status(call.call, job.ref) : call;
    if (!answer.ok) {
      host.onEvent?.({ type: 'error', deployment: job.deployment, job: job.batchJob, error: answer.error });
      return;
    }
    if (!sameStatus(job.status, answer.status)) {
      job.status = answer.status;
      job.updatedAt = isoNow();
      host.write({ batchJob: job.batchJob, deployment: job.deployment, status: answer.status, updatedAt: job.updatedAt });
    }
    host.onEvent?.({ type: 'status', job, status: answer.status });
  }));
}

/** Polls until every job is final; false when the signal stopped it first. */
export async function followJobs(jobs: BatchJobState[], deployments: ReadonlyMap<string, Deployment>, host: BatchHost, pollMs = DEFAULT_POLL_MS): Promise<boolean> {
  for (;;) {
    await refreshJobs(jobs, deployments, host);
    if (jobs.every((job) => isFinal(job.status) || !deployments.has(job.deployment))) return true;
    if (!(await sleep(host.clock, pollMs, host.signal))) return false;
  }
}
