/** Cancels every job not yet final; the cloud keeps what it finished, which a later fetch brings in. */
import type { Deployment } from '../config/deployment';
import { callFor, type BatchHost } from './batchHost';
import type { BatchJobState } from './batchJobLine';
import { isFinal, refreshJobs } from './batchFollow';
import { batchAdapterOf } from './batchSupport';

/** Returns how many jobs the clouds took the cancel for. */
export async function cancelJobs(jobs: BatchJobState[], deployments: ReadonlyMap<string, Deployment>, host: BatchHost): Promise<number> {
  let cancelled = 0;
  await Promise.all(jobs.filter((job) => !isFinal(job.status) && job.status?.state !== 'cancelling').map(async (job) => {
    const deployment = deployments.get(job.deployment);
    if (!deployment) return;
    const call = await callFor(deployment, host);
    const answer = call.ok ? await (await batchAdapterOf(deployment)).cancel(call.call, job.ref) : call;
    if (!answer.ok) host.onEvent?.({ type: 'error', deployment: job.deployment, job: job.batchJob, error: answer.error });
    else cancelled++;
  }));
  await refreshJobs(jobs, deployments, host);
  return cancelled;
}
