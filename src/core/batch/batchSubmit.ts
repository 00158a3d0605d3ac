/**
 * Submits an evaluation's batch deployments: builds every deployment's items and splits them by its adapter's limits
 * first (so a set below a cloud's minimum is refused before anything is uploaded), then uploads and creates each job,
 * writing its job line the moment it exists. A job the cloud refused makes its cases error cases with the reason.
 */
import type { Deployment } from '../config/deployment';
import type { EvaluationSuite } from '../evaluation/suite';
import type { BatchAdapter, BatchItem, BatchOutcome } from './batchAdapter';
import { caseLineOf, type CaseContext } from './batchCase';
import { callFor, isoNow, type BatchHost } from './batchHost';
import { itemsFor } from './batchItems';
import type { BatchJobState } from './batchJobLine';
import { splitItems } from './batchSplit';
import { batchAdapterOf, batchSupportOf } from './batchSupport';

export interface BatchPlan {
  suite: EvaluationSuite;
  deployments: readonly Deployment[];
  repeat: number;
  /** Cases already in the results file, or in a job still to be fetched: never sent again. */
  finished: ReadonlySet<string>;
  /** The files a later `fanout batch …` rebuilds the plan from (null in the editor). */
  config: string | null;
  tests: string | null;
  grade: CaseContext['grade'];
}

interface Prepared {
  deployment: Deployment;
  adapter: BatchAdapter<Deployment>;
  jobs: BatchItem[][];
  refused: BatchOutcome[];
}

/** Everything checked before upload: null and the prepared jobs, or the problems (one line each). */
export async function prepareBatch(plan: BatchPlan): Promise<{ ok: true; prepared: Prepared[] } | { ok: false; problems: string[] }> {
  const prepared: Prepared[] = [];
  const problems: string[] = [];
  for (const deployment of plan.deployments) {
    const support = batchSupportOf(deployment)!;
    const adapter = await batchAdapterOf(deployment);
    const { items, refused } = itemsFor(plan.suite, deployment, plan.repeat, plan.finished);
    const split = splitItems(items, adapter.limits, support.service);
    if (!split.ok) problems.push(`deployment "${deployment.id}": ${split.reason}`);
    else prepared.push({ deployment, adapter, jobs: split.jobs, refused });
  }
  return problems.length ? { ok: false, problems } : { ok: true, prepared };
}

/** Uploads and creates the prepared jobs; returns the jobs created. */
export async function submitBatch(plan: BatchPlan, prepared: readonly Prepared[], host: BatchHost): Promise<BatchJobState[]> {
  const created: BatchJobState[] = [];
  await Promise.all(prepared.map(async ({ deployment, adapter, jobs, refused }) => {
    const support = batchSupportOf(deployment)!;
    const context: CaseContext = { suite: plan.suite, deployment, priceFactor: support.priceFactor, grade: plan.grade };
    const fail = async (outcomes: BatchOutcome[]): Promise<void> => {
      for (const outcome of outcomes) {
        const line = await caseLineOf(outcome, context);
        if (line) host.write(line);
      }
    };
    await fail(refused);
    const call = await callFor(deployment, host);
    for (let index = 0; index < jobs.length; index++) {
      const items = jobs[index]!;
      const submitted = call.ok ? await adapter.submit(call.call, items, `fanout-${deployment.id}-${Date.now()}-${index + 1}`) : call;
      if (!submitted.ok) {
        host.onEvent?.({ type: 'error', deployment: deployment.id, job: null, error: submitted.error });
        // this job and the ones after it were never created: their cases fail with the reason (--resume sends them again after the fix)
        if (host.signal.aborted) return;
        for (const rest of jobs.slice(index)) await fail(rest.map((item) => ({ customId: item.customId, error: submitted.error })));
        return;
      }
      const job: BatchJobState = {
        batchJob: submitted.job.id, deployment: deployment.id, ref: submitted.job, provider: deployment.provider, service: support.service,
        keys: items.map((item) => item.customId), submittedAt: isoNow(), config: plan.config, tests: plan.tests, repeat: plan.repeat,
        status: null, updatedAt: isoNow(), fetched: false,
      };
      host.write(job);
      created.push(job);
      host.onEvent?.({ type: 'submitted', job });
    }
  }));
  return created;
}
