/**
 * Fetches final jobs into the results file, once: each outcome becomes a case line unless the file already holds
 * that case (so a second fetch, or one after a crash mid-fetch, never doubles a result), then the job's line says
 * it was fetched and which of its cases the cloud never answered (an expired or cancelled job keeps what it did).
 */
import type { Deployment } from '../config/deployment';
import type { BatchOutcome } from './batchAdapter';
import { caseLineOf, type CaseContext } from './batchCase';
import { callFor, isoNow, type BatchHost } from './batchHost';
import type { BatchJobState } from './batchJobLine';
import { isFinal } from './batchFollow';
import { batchAdapterOf, batchSupportOf } from './batchSupport';
import type { EvaluationSuite } from '../evaluation/suite';

/** Outcomes turned into case lines this many at a time (grading calls stream while the rest wait). */
const JUDGING_AT_ONCE = 8;

export interface FetchContext {
  suite: EvaluationSuite;
  deployments: ReadonlyMap<string, Deployment>;
  /** Keys already in the results file: never written again. */
  written: Set<string>;
  grade: CaseContext['grade'];
}

export interface FetchSummary {
  cases: number;
  /** Keys of fetched jobs the cloud gave no outcome for. */
  missing: string[];
  /** Keys of jobs not fetched yet: still running, or their output could not be read this time (a later fetch tries again). */
  outstanding: string[];
}

export async function fetchJobs(jobs: BatchJobState[], context: FetchContext, host: BatchHost): Promise<FetchSummary> {
  const summary: FetchSummary = { cases: 0, missing: [], outstanding: [] };
  for (const job of jobs) {
    const deployment = context.deployments.get(job.deployment);
    if (!deployment) continue;
    if (!isFinal(job.status)) {
      summary.outstanding.push(...job.keys);
      continue;
    }
    if (job.fetched) {
      summary.missing.push(...(job.missing ?? []));
      continue;
    }
    const call = await callFor(deployment, host);
    const answer = call.ok ? await (await batchAdapterOf(deployment)).fetch(call.call, job.ref) : call;
    if (!answer.ok) {
      host.onEvent?.({ type: 'error', deployment: job.deployment, job: job.batchJob, error: answer.error });
      summary.outstanding.push(...job.keys.filter((key) => !context.written.has(key)));
      continue;
    }
    const caseContext: CaseContext = { suite: context.suite, deployment, priceFactor: batchSupportOf(deployment)!.priceFactor, grade: context.grade };
    const mine = new Set(job.keys);
    const fresh = uniqueOutcomes(answer.outcomes).filter((outcome) => mine.has(outcome.customId) && !context.written.has(outcome.customId));
    let cases = 0;
    for (let start = 0; start < fresh.length; start += JUDGING_AT_ONCE) {
      const lines = await Promise.all(fresh.slice(start, start + JUDGING_AT_ONCE).map((outcome) => caseLineOf(outcome, caseContext)));
      for (const line of lines) {
        if (!line || context.written.has(line.key)) continue;
        context.written.add(line.key);
        host.write(line);
        cases++;
      }
    }
    const missing = job.keys.filter((key) => !context.written.has(key));
    job.fetched = true;
    job.missing = missing;
    job.updatedAt = isoNow();
    host.write({ batchJob: job.batchJob, deployment: job.deployment, fetched: true, missing, updatedAt: job.updatedAt });
    summary.cases += cases;
    summary.missing.push(...missing);
    host.onEvent?.({ type: 'fetched', job, cases, missing: missing.length });
  }
  return summary;
}

/** The first outcome per id (a cloud that wrote one twice counts once). */
function uniqueOutcomes(outcomes: readonly BatchOutcome[]): BatchOutcome[] {
  const seen = new Set<string>();
  return outcomes.filter((outcome) => !seen.has(outcome.customId) && !!seen.add(outcome.customId));
}
