/**
 * `fanout batch status|fetch|cancel --output FILE`: rebuilds the plan from what the jobs recorded (their config and
 * tests files, or --config/--tests), then asks each cloud for its jobs' state, fetches finished jobs into FILE
 * (never twice) and prints the eval report, or cancels what is still running. Needs nothing from the process that
 * submitted them.
 */
import { cancelJobs } from '../core/batch/batchCancel';
import { fetchJobs } from '../core/batch/batchFetch';
import { followJobs, isFinal, refreshJobs } from '../core/batch/batchFollow';
import { streamedGrader } from '../core/batch/batchGrader';
import type { BatchHost } from '../core/batch/batchHost';
import { realClock } from '../core/engine/clock';
import { ResultsWriter, readResults } from '../core/evaluation/resultsFile';
import { loadAdapter } from '../providers/registry';
import { UsageError } from './args';
import { BATCH_USAGE, parseBatchArguments } from './batchArgs';
import { batchProgress, jobLine } from './batchProgress';
import { cliNetwork } from './cliNetwork';
import { EnvironmentCredentials } from './envCredentials';
import type { EvalIo } from './evalCommand';
import { gradersOf, loadDeployments, loadSuite } from './evalInputs';
import { printReport } from './evalReport';

export async function batchCommand(argv: string[], io: EvalIo): Promise<number> {
  const args = parseBatchArguments(argv);
  if ('command' in args) {
    io.stdout(`${BATCH_USAGE}\n`);
    return 0;
  }
  let read;
  try {
    read = await readResults(args.output);
  } catch (error) {
    throw new UsageError(`--output: cannot read ${args.output} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}) — check the path`);
  }
  if (!read.jobs.length) throw new UsageError(`--output: ${args.output} holds no batch jobs — submit some with fanout eval --batch --output ${args.output}`);
  const jobs = args.job === undefined ? read.jobs : read.jobs.filter((job) => job.batchJob === args.job);
  if (!jobs.length) throw new UsageError(`batch: no job "${args.job}" in ${args.output} — its jobs: ${read.jobs.map((job) => job.batchJob).join(', ')}`);
  const latest = jobs.at(-1)!;
  const configFile = args.config ?? latest.config;
  if (!configFile) throw new UsageError('--config: the jobs recorded no config file — name it with --config FILE');
  const all = await loadDeployments(configFile);
  const byId = new Map(all.map((deployment) => [deployment.id, deployment]));
  const unknown = [...new Set(jobs.map((job) => job.deployment))].filter((id) => !byId.has(id));
  if (unknown.length) throw new UsageError(`${configFile}: no deployment ${unknown.map((id) => `"${id}"`).join(', ')}, which ${unknown.length === 1 ? 'has' : 'have'} jobs in ${args.output} — name the config they were submitted with (--config FILE)`);

  const credentials = new EnvironmentCredentials(io.env);
  const network = await cliNetwork(io.env, undefined);
  const transport = { http1: false, ...(network ? { network } : {}) };
  const signal = io.signal ?? new AbortController().signal;
  const writer = new ResultsWriter(args.output);
  const host: BatchHost = { credentials, transport, clock: realClock, signal, write: (line) => writer.add(line), onEvent: batchProgress(io.stderr) };

  if (args.action === 'status') {
    await refreshJobs(jobs, byId, { ...host, onEvent: (event) => event.type === 'error' && batchProgress(io.stderr)(event) });
    await writer.close();
    for (const job of jobs) io.stdout(`${jobLine(job)}${job.fetched ? ` · fetched${job.missing?.length ? `, ${job.missing.length} never answered` : ''}` : ''} · submitted ${job.submittedAt}\n`);
    return 0;
  }
  if (args.action === 'cancel') {
    const cancelled = await cancelJobs(jobs, byId, host);
    await writer.close();
    io.stderr(`fanout: cancel sent for ${cancelled} job${cancelled === 1 ? '' : 's'}; what they finished comes in with fanout batch fetch --output ${args.output}\n`);
    return 0;
  }

  const testsFile = args.tests ?? latest.tests;
  if (!testsFile) throw new UsageError('--tests: the jobs recorded no tests file — name it with --tests FILE');
  const suite = await loadSuite(testsFile);
  const graders = gradersOf(suite, all, testsFile, configFile);
  const engine = { loadAdapter, credentials, transport, signal };
  if (args.wait) await followJobs(jobs, byId, host, args.pollMs);
  else await refreshJobs(jobs, byId, host);
  const written = new Set(read.lines.map((line) => line.key));
  const fetched = await fetchJobs(jobs, { suite, deployments: byId, written, grade: streamedGrader(graders, engine) }, host);
  await writer.close();
  const running = jobs.filter((job) => !isFinal(job.status));
  if (running.length) io.stderr(`fanout: ${running.length} job${running.length === 1 ? ' is' : 's are'} still running — fanout batch fetch --output ${args.output} again later (or with --wait)\n`);
  if (fetched.missing.length) io.stderr(`fanout: ${fetched.missing.length} case${fetched.missing.length === 1 ? '' : 's'} never answered (the job expired, was cancelled or failed) — fanout eval --batch --resume ${args.output} --config ${configFile} --tests ${testsFile} sends them again\n`);
  // every deployment of the eval: those with jobs, and those whose cases streamed beside them into the same file
  const ids = new Set([...jobs.map((job) => job.deployment), ...read.lines.map((line) => line.deployment)]);
  const deployments = all.filter((deployment) => ids.has(deployment.id));
  const outstanding = fetched.missing.length + fetched.outstanding.length;
  const passed = await printReport({ suite, deployments, format: args.format, file: args.output, held: [], unsent: outstanding, stopped: null }, io.stdout);
  return passed ? 0 : 1;
}
