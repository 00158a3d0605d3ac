/**
 * "Fanout: Run Evaluation as Batch": the same tests file and deployments as Run Evaluation, sent through the batch
 * core (src/core/batch) with the editor's credentials into the same `.fanout/eval-<name>.jsonl`. Every config problem
 * is found before anything is uploaded (a deployment its cloud cannot batch as configured, a workspace file's
 * `batch` refused by the trust rules, a missing key); deployments whose cloud has no batch service run streamed beside
 * the jobs. The jobs are recorded in the results file (with the tests file's path), so the jobs list, a reopened
 * editor or `fanout batch status --output FILE --config …` follows them from there.
 */
import { randomUUID } from 'node:crypto';
import { streamedGrader } from '../../core/batch/batchGrader';
import type { BatchHost } from '../../core/batch/batchHost';
import type { BatchJobLine, BatchJobState } from '../../core/batch/batchJobLine';
import { prepareBatch, submitBatch } from '../../core/batch/batchSubmit';
import { sortForBatch, streamedNote } from '../../core/batch/batchSupport';
import type { Deployment } from '../../core/config/deployment';
import { realClock } from '../../core/engine/clock';
import type { CaseLine } from '../../core/evaluation/evaluationCase';
import { ResultsWriter } from '../../core/evaluation/resultsFile';
import { runEvaluation, type EvaluationOutcome } from '../../core/evaluation/runner';
import type { EvaluationSuite } from '../../core/evaluation/suite';
import type { SpendLedger } from '../../core/storage/ledger';
import { loadAdapter } from '../../providers/registry';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { WORKSPACE_FILE } from '../deployments/deploymentSettings';
import { engineOptions } from '../platform/engineOptions';
import type { Log } from '../platform/log';
import { hashOf, limitsFor, resultsFileOf, spendOf, type EvaluationRunner, type EvaluationServices } from './evaluationRunner';

export type BatchSubmission =
  | { ok: false; problems: string[] }
  | {
    ok: true;
    testsFile: string;
    resultsFile: string;
    deployments: string[];
    jobs: BatchJobState[];
    /** Why some deployments ran streamed (null when none did). */
    streamed: string | null;
    streamedOutcome: EvaluationOutcome | null;
    /** Cases already in the file or in jobs still to fetch, not sent again. */
    resumed: number;
    /** What a cloud refused (an upload, a job): those cases are error cases with the reason. */
    refused: string[];
  };

/** Problems that stop a batch before anything is uploaded, one line each, naming the fix. */
export async function batchProblems(deployments: readonly Deployment[], asked: readonly string[] | undefined, settings: DeploymentSettings, credentials: EvaluationServices['credentials'], signal: AbortSignal): Promise<{ problems: string[]; batched: Deployment[]; streamed: Deployment[] }> {
  const problems: string[] = [];
  // a workspace file's `batch` was refused when the settings were read (its deployment is left out): say so here,
  // where the user asked for a batch on every deployment or on that one
  for (const issue of settings.issues) {
    const refused = /"([^"]+)"\.batch$/.exec(issue.path)?.[1];
    if (refused && (!asked || asked.includes(refused))) problems.push(`${issue.path}: ${issue.message}`);
  }
  const split = sortForBatch(deployments);
  for (const problem of split.problems) {
    const from = deployments.find((deployment) => problem.startsWith(`deployment "${deployment.id}":`));
    problems.push(from && settings.sourceOf(from.id) === 'workspace'
      ? `${problem} — but "${from.id}" comes from ${WORKSPACE_FILE}, and a workspace file may not set "batch" (a workspace cannot choose where your prompts and answers are written): copy the deployment into your user setting "fanout.deployments" and add "batch" there`
      : problem);
  }
  for (const deployment of split.batched) {
    const found = await credentials.resolve(deployment, signal);
    if (!found.ok) problems.push(`deployment "${deployment.id}": ${found.error.message}`);
  }
  return { problems, batched: split.batched, streamed: split.streamed };
}

/** Writes each case line once and records its spend under a stable id (so a line fetched again never counts twice). */
export function caseSpender(ledger: SpendLedger, log: Log, suite: EvaluationSuite, byId: ReadonlyMap<string, Deployment>): { spend(runId: string, line: CaseLine): void; settled(): Promise<void> } {
  const writes: Array<Promise<unknown>> = [];
  const grader = suite.grader ?? suite.graders[0] ?? null;
  return {
    spend: (runId, line) => void writes.push(ledger.record(spendOf(runId, line, byId, grader)).catch((error: Error) => log.error(`spend: could not record: ${error.message}`))),
    settled: async () => void (await Promise.all(writes)),
  };
}

export async function submitEvaluationBatch(runner: EvaluationRunner, services: EvaluationServices, testsFile: string, options: { deploymentIds?: string[]; signal?: AbortSignal; onCase?: (line: CaseLine) => void } = {}): Promise<BatchSubmission> {
  const { settings, credentials, log } = services;
  const signal = options.signal ?? new AbortController().signal;
  const { suite, text, deployments, graders } = await runner.inputsOf(testsFile, options.deploymentIds);
  const { problems, batched, streamed } = await batchProblems(deployments, options.deploymentIds, settings, credentials, signal);
  if (!batched.length && !problems.length) problems.push(`none of ${deployments.map((deployment) => `"${deployment.id}"`).join(', ')} can run as a batch (${streamedNote(streamed)}) — use Run Evaluation`);
  if (problems.length) return { ok: false, problems };

  const ids = deployments.map((deployment) => deployment.id);
  const resultsFile = resultsFileOf(testsFile);
  const finished = await runner.carriedOver(resultsFile, hashOf(text), suite, ids, undefined);
  const engine = { loadAdapter, credentials, ...(await engineOptions()) };
  const writer = new ResultsWriter(resultsFile);
  const byId = new Map([...deployments, ...graders.values()].map((deployment) => [deployment.id, deployment]));
  const spender = caseSpender(services.ledger, log, suite, byId);
  const runId = randomUUID();
  const write = (line: CaseLine | BatchJobLine): void => {
    writer.add(line);
    if ('key' in line) {
      spender.spend(runId, line);
      options.onCase?.(line);
    }
  };
  const refused: string[] = [];
  const host: BatchHost = {
    credentials, transport: engine.transport ?? { http1: false }, clock: realClock, signal, write,
    onEvent: (event) => {
      if (event.type !== 'error') return;
      refused.push(`${event.deployment}: ${event.error.message}`);
      log.warn(`batch: ${event.deployment}${event.job ? ` (${event.job})` : ''}: ${event.error.message}`);
    },
  };
  const plan = { suite, deployments: batched, repeat: 1, finished, config: null, tests: testsFile, grade: streamedGrader(graders, { ...engine, signal }) };
  const prepared = await prepareBatch(plan);
  if (!prepared.ok) return { ok: false, problems: prepared.problems };

  log.info(`evaluation: ${testsFile} as batch on ${batched.map((deployment) => deployment.id).join(', ')}${streamed.length ? `; streamed: ${streamed.map((deployment) => deployment.id).join(', ')}` : ''}`);
  const streamedRun = streamed.length
    ? runEvaluation({ suite, deployments: streamed, graders, repeat: 1, finished, limitsFor: (id) => limitsFor(id, suite), engine, signal, onCase: write })
    : Promise.resolve(null);
  const jobs = await submitBatch(plan, prepared.prepared, host);
  const streamedOutcome = await streamedRun;
  await writer.close();
  await spender.settled();
  await services.onSpend();
  return { ok: true, testsFile, resultsFile, deployments: ids, jobs, streamed: streamed.length ? streamedNote(streamed) : null, streamedOutcome, resumed: finished.size, refused };
}
