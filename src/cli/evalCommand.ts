/**
 * `fanout eval`: reads the config and the tests file (every input error is one line and exit 2, before anything is
 * sent), says what the run may cost, runs it (each case appended to --output as it finishes; --resume runs only what
 * the file lacks), then prints the whole result as if it had run at once. Exit 0 when every assertion held.
 */
import { basename } from 'node:path';
import type { Deployment } from '../core/config/deployment';
import { estimateCost } from '../core/evaluation/costEstimate';
import { caseKey, placeOf, type CaseLine } from '../core/evaluation/evaluationCase';
import { ResultsWriter, readResults } from '../core/evaluation/resultsFile';
import { runEvaluation } from '../core/evaluation/runner';
import type { DeploymentLimits, EvaluationSuite } from '../core/evaluation/suite';
import { formatCost } from '../core/results/format';
import { loadPrices } from '../core/results/pricing';
import { loadAdapter } from '../providers/registry';
import { UsageError } from './args';
import { cliNetwork } from './cliNetwork';
import { EnvironmentCredentials } from './envCredentials';
import { EVAL_USAGE, parseEvalArguments, type EvalArguments } from './evalArgs';
import { evalBatch } from './evalBatch';
import { gradersOf, loadDeployments, loadSuite, selectDeployments } from './evalInputs';
import { printReport } from './evalReport';

export const DEFAULT_CONCURRENCY = 4;

export interface EvalIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export async function evalCommand(argv: string[], io: EvalIo): Promise<number> {
  const args = parseEvalArguments(argv);
  if ('command' in args) {
    io.stdout(`${EVAL_USAGE}\n`);
    return 0;
  }
  const all = await loadDeployments(args.config);
  const deployments = selectDeployments(args.deployments, all, args.config);
  const suite = await loadSuite(args.tests);
  const graders = gradersOf(suite, all, args.tests, args.config);
  for (const note of suite.notes) io.stderr(`fanout: ${basename(args.tests)}: ${note}\n`);
  if (args.batch) return evalBatch(args, { suite, deployments, graders }, io);

  const file = args.resume ?? args.output;
  const resumed = args.resume ? await resumedCases(args.resume, suite, deployments, io) : [];
  const finished = new Set(resumed.map((line) => line.key));
  await sayEstimate(args, suite, deployments, finished, io);

  const network = await cliNetwork(io.env, undefined);
  const writer = file ? new ResultsWriter(file) : null;
  const held: CaseLine[] = [];
  const outcome = await runEvaluation({
    suite,
    deployments,
    graders,
    repeat: args.repeat,
    finished,
    limitsFor: (id) => limitsFor(id, suite, args),
    ...(args.maxCostUsd !== undefined ? { maxCostUsd: args.maxCostUsd } : {}),
    engine: { loadAdapter, credentials: new EnvironmentCredentials(io.env), transport: { http1: false, ...(network ? { network } : {}) } },
    ...(io.signal ? { signal: io.signal } : {}),
    onCase: (line) => (writer ? writer.add(line) : held.push(line)),
  });
  await writer?.close();

  const passed = await printReport({ suite, deployments, format: args.format, file: file ?? null, held, unsent: outcome.unsent, stopped: outcome.stopped }, io.stdout);
  if (outcome.stopped === 'max-cost') io.stderr(`fanout: stopped at --max-cost ${formatCost(args.maxCostUsd!)} (spent ${formatCost(outcome.spentUsd)}); ${outcome.unsent} case${outcome.unsent === 1 ? '' : 's'} not run${file ? ` — fanout eval --resume ${file} runs them` : ''}\n`);
  return passed ? 0 : 1;
}

/** What the run may cost, said before anything is sent. */
export async function sayEstimate(args: EvalArguments, suite: EvaluationSuite, deployments: readonly Deployment[], finished: ReadonlySet<string>, io: EvalIo): Promise<void> {
  await loadPrices();
  const estimate = estimateCost(suite, deployments, args.repeat, (test, prompt, repeat, deployment) => finished.has(caseKey({ test, prompt, repeat, deployment })));
  io.stderr(`fanout: ${estimate.cases} case${estimate.cases === 1 ? '' : 's'} to run on ${deployments.length} deployment${deployments.length === 1 ? '' : 's'}`
    + `${finished.size ? ` (${finished.size} already in ${args.resume})` : ''}; estimated at most ${formatCost(estimate.knownUsd)}${args.batch ? ' streamed (a batch costs about half)' : ''}`
    + `${estimate.unpriced.length ? ` plus ${estimate.unpriced.join(', ')} (no known price)` : ''}\n`);
  if (args.maxCostUsd !== undefined && estimate.unpriced.length) io.stderr(`fanout: --max-cost cannot count what ${estimate.unpriced.join(', ')} spend${estimate.unpriced.length === 1 ? 's' : ''} (no known price)\n`);
}

/** The file's limit for this deployment, then --concurrency, then the file's `*` and promptfoo's maxConcurrency. */
export function limitsFor(id: string, suite: EvaluationSuite, args: EvalArguments): DeploymentLimits {
  const own = suite.limits[id] ?? {};
  const every = suite.limits['*'] ?? {};
  return {
    concurrency: own.concurrency ?? args.concurrency ?? every.concurrency ?? suite.concurrency ?? DEFAULT_CONCURRENCY,
    ...((own.requestsPerMinute ?? every.requestsPerMinute) !== undefined ? { requestsPerMinute: own.requestsPerMinute ?? every.requestsPerMinute } : {}),
    ...((own.tokensPerMinute ?? every.tokensPerMinute) !== undefined ? { tokensPerMinute: own.tokensPerMinute ?? every.tokensPerMinute } : {}),
  };
}

/** The cases a resumed file holds for this plan; a torn or corrupt line is skipped with a warning (its case runs again). */
export async function resumedCases(file: string, suite: EvaluationSuite, deployments: readonly Deployment[], io: EvalIo): Promise<CaseLine[]> {
  let read;
  try {
    read = await readResults(file);
  } catch (error) {
    throw new UsageError(`--resume: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}) — check the path`);
  }
  if (read.skipped) io.stderr(`fanout: ${file}: skipped ${read.skipped} torn or corrupt line${read.skipped === 1 ? '' : 's'} (those cases run again)\n`);
  const ids = new Set(deployments.map((deployment) => deployment.id));
  for (const line of read.lines) {
    const place = placeOf(line.key)!;
    const test = suite.tests[place.test];
    if (!test || !suite.prompts[place.prompt] || JSON.stringify(line.vars) !== JSON.stringify(test.vars)) {
      throw new UsageError(`--resume: ${file} was written for another tests file (its case ${line.key} does not match tests[${place.test}]) — resume with the same --tests, or start a new --output`);
    }
  }
  return read.lines.filter((line) => ids.has(placeOf(line.key)!.deployment));
}
