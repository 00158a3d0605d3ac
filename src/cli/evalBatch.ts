/**
 * `fanout eval --batch`: every config problem named before anything is uploaded (one stderr line each, exit 2), then
 * each batch deployment's cases submitted as jobs recorded in the results file, deployments without a batch service
 * streamed beside them; by default it follows the jobs, fetches them and prints exactly what a streamed eval prints
 * (exit 0/1 as eval); `--no-wait` exits 0 once the jobs are recorded (`fanout batch status|fetch --output FILE`).
 */
import { resolve } from 'node:path';
import type { Deployment } from '../core/config/deployment';
import { fetchJobs } from '../core/batch/batchFetch';
import { followJobs } from '../core/batch/batchFollow';
import { streamedGrader } from '../core/batch/batchGrader';
import type { BatchHost } from '../core/batch/batchHost';
import type { BatchJobState } from '../core/batch/batchJobLine';
import { prepareBatch, submitBatch } from '../core/batch/batchSubmit';
import { sortForBatch, streamedNote } from '../core/batch/batchSupport';
import { realClock } from '../core/engine/clock';
import { ResultsWriter, readResults } from '../core/evaluation/resultsFile';
import { runEvaluation, type EvaluationOutcome } from '../core/evaluation/runner';
import type { EvaluationSuite } from '../core/evaluation/suite';
import { loadAdapter } from '../providers/registry';
import { cliNetwork } from './cliNetwork';
import { EnvironmentCredentials } from './envCredentials';
import type { EvalArguments } from './evalArgs';
import { limitsFor, resumedCases, sayEstimate, type EvalIo } from './evalCommand';
import { printReport } from './evalReport';
import { batchProgress } from './batchProgress';

export interface EvalInputs {
  suite: EvaluationSuite;
  deployments: Deployment[];
  graders: Map<string, Deployment>;
}

export async function evalBatch(args: EvalArguments, inputs: EvalInputs, io: EvalIo): Promise<number> {
  const { suite, deployments, graders } = inputs;
  const file = (args.resume ?? args.output)!;
  const { batched, streamed, problems } = sortForBatch(deployments);
  const credentials = new EnvironmentCredentials(io.env);
  const signal = io.signal ?? new AbortController().signal;
  // every deployment's credential too: a missing key is a config problem, named before any upload
  for (const deployment of batched) {
    const found = await credentials.resolve(deployment);
    if (!found.ok) problems.push(`deployment "${deployment.id}": ${found.error.message}`);
  }
  if (problems.length) {
    for (const problem of problems) io.stderr(`fanout: ${problem} (nothing was uploaded)\n`);
    return 2;
  }

  const resumed = args.resume ? await resumedCases(args.resume, suite, deployments, io) : [];
  const ids = new Set(batched.map((deployment) => deployment.id));
  const pending = args.resume ? (await readResults(args.resume)).jobs.filter((job) => ids.has(job.deployment) && !job.fetched) : [];
  // cases already answered, and cases in jobs still to fetch (followed below, never sent again)
  const finished = new Set([...resumed.map((line) => line.key), ...pending.flatMap((job) => job.keys)]);
  await sayEstimate(args, suite, deployments, finished, io);
  if (streamed.length) io.stderr(`fanout: ${streamedNote(streamed)}\n`);

  const network = await cliNetwork(io.env, undefined);
  const transport = { http1: false, ...(network ? { network } : {}) };
  const engine = { loadAdapter, credentials, transport };
  const writer = new ResultsWriter(file);
  const host: BatchHost = { credentials, transport, clock: realClock, signal, write: (line) => writer.add(line), onEvent: batchProgress(io.stderr) };
  const grade = streamedGrader(graders, { ...engine, signal });
  const plan = { suite, deployments: batched, repeat: args.repeat, finished, config: resolve(args.config), tests: resolve(args.tests), grade };
  const prepared = await prepareBatch(plan);
  if (!prepared.ok) {
    for (const problem of prepared.problems) io.stderr(`fanout: ${problem} (nothing was uploaded)\n`);
    return 2;
  }

  const streamedRun: Promise<EvaluationOutcome | null> = streamed.length
    ? runEvaluation({ suite, deployments: streamed, graders, repeat: args.repeat, finished, limitsFor: (id) => limitsFor(id, suite, args), engine, signal, onCase: (line) => writer.add(line) })
    : Promise.resolve(null);
  const jobs: BatchJobState[] = [...pending, ...(await submitBatch(plan, prepared.prepared, host))];
  const byId = new Map(batched.map((deployment) => [deployment.id, deployment]));

  if (!args.batch!.wait) {
    await streamedRun;
    await writer.close();
    io.stderr(`fanout: ${jobs.length} batch job${jobs.length === 1 ? '' : 's'} recorded in ${file} — follow with fanout batch status --output ${file}, then fanout batch fetch --output ${file}\n`);
    return 0;
  }
  const done = await followJobs(jobs, byId, host, args.batch!.pollMs);
  if (!done) {
    await streamedRun;
    await writer.close();
    io.stderr(`fanout: stopped following; the jobs go on in the cloud — fanout batch fetch --output ${file} brings their answers in\n`);
    return 1;
  }
  await writer.close();
  const written = new Set((await readResults(file)).lines.map((line) => line.key));
  const fetched = await fetchJobs(jobs, { suite, deployments: byId, written, grade }, host);
  const outcome = await streamedRun;
  await writer.close();
  if (fetched.missing.length) io.stderr(`fanout: ${fetched.missing.length} case${fetched.missing.length === 1 ? '' : 's'} never answered (the job expired, was cancelled or failed) — fanout eval --batch --resume ${file} sends them again\n`);
  if (fetched.outstanding.length) io.stderr(`fanout: ${fetched.outstanding.length} case${fetched.outstanding.length === 1 ? '' : 's'} not fetched yet — fanout batch fetch --output ${file} tries again\n`);
  const unsent = fetched.missing.length + fetched.outstanding.length + (outcome?.unsent ?? 0);
  const passed = await printReport({ suite, deployments, format: args.format, file, held: [], unsent, stopped: outcome?.stopped ?? null }, io.stdout);
  return passed ? 0 : 1;
}
