/**
 * `fanout eval`: reads the config and the tests file (every input error is one line and exit 2, before anything is
 * sent), says what the run may cost, runs it (each case appended to --output as it finishes; --resume runs only what
 * the file lacks), then prints the whole result as if it had run at once. Exit 0 when every assertion held.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatIssue, parseConfigText, type Deployment } from '../core/config/deployment';
import { estimateCost } from '../core/evaluation/costEstimate';
import { caseKey, placeOf, withoutKey, type CaseLine } from '../core/evaluation/evaluationCase';
import { formatEvaluationJson } from '../core/evaluation/reports/jsonReport';
import { formatEvaluationJunit } from '../core/evaluation/reports/junitReport';
import { formatEvaluationMarkdown } from '../core/evaluation/reports/markdownReport';
import { formatEvaluationTable } from '../core/evaluation/reports/tableReport';
import type { EvaluationReport } from '../core/evaluation/reports/evaluationReport';
import { ResultsWriter, readResults } from '../core/evaluation/resultsFile';
import { runEvaluation } from '../core/evaluation/runner';
import { SummaryBuilder } from '../core/evaluation/summary';
import { EvaluationInputError, type DeploymentLimits, type EvaluationSuite } from '../core/evaluation/suite';
import { readTestsFile } from '../core/evaluation/testsFile';
import { formatCost } from '../core/results/format';
import { loadPrices } from '../core/results/pricing';
import { loadAdapter } from '../providers/registry';
import { UsageError } from './args';
import { cliNetwork } from './cliNetwork';
import { EnvironmentCredentials } from './envCredentials';
import { EVAL_USAGE, parseEvalArguments, type EvalArguments, type EvalFormat } from './evalArgs';

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
  const deployments = selectDeployments(args, all);
  let suite: EvaluationSuite;
  try {
    suite = await readTestsFile(args.tests, { allowJavascript: true });
  } catch (error) {
    if (error instanceof EvaluationInputError) throw new UsageError(`${basename(args.tests)}: ${error.message}`);
    throw error;
  }
  const graders = new Map<string, Deployment>();
  for (const id of suite.graders) {
    const grader = all.find((deployment) => deployment.id === id);
    if (!grader) throw new UsageError(`${basename(args.tests)}: grader: no deployment "${id}" in ${args.config} — known: ${all.map((d) => d.id).join(', ')}`);
    graders.set(id, grader);
  }
  for (const note of suite.notes) io.stderr(`fanout: ${basename(args.tests)}: ${note}\n`);

  const file = args.resume ?? args.output;
  const resumed = args.resume ? await resumedCases(args.resume, suite, deployments, io) : [];
  const finished = new Set(resumed.map((line) => line.key));
  await loadPrices();
  const estimate = estimateCost(suite, deployments, args.repeat, (test, prompt, repeat, deployment) => finished.has(caseKey({ test, prompt, repeat, deployment })));
  io.stderr(`fanout: ${estimate.cases} case${estimate.cases === 1 ? '' : 's'} to run on ${deployments.length} deployment${deployments.length === 1 ? '' : 's'}`
    + `${finished.size ? ` (${finished.size} already in ${args.resume})` : ''}; estimated at most ${formatCost(estimate.knownUsd)}`
    + `${estimate.unpriced.length ? ` plus ${estimate.unpriced.join(', ')} (no known price)` : ''}\n`);
  if (args.maxCostUsd !== undefined && estimate.unpriced.length) io.stderr(`fanout: --max-cost cannot count what ${estimate.unpriced.join(', ')} spend${estimate.unpriced.length === 1 ? 's' : ''} (no known price)\n`);

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

  // the whole result, as if run at once: from the file when there is one (resumed cases included), in plan order
  const lines = file ? await planCases(file, suite, deployments) : held;
  const order = new Map(deployments.map((deployment, index) => [deployment.id, index]));
  const rank = (line: CaseLine): number[] => {
    const place = placeOf(line.key)!;
    return [place.test, place.prompt, place.repeat, order.get(place.deployment) ?? 0];
  };
  const ranked = lines.map((line) => ({ line, rank: rank(line) }));
  ranked.sort((a, b) => a.rank.reduce((order, value, i) => order || value - b.rank[i]!, 0));
  const cases = ranked.map(({ line }) => withoutKey(line));
  const summary = new SummaryBuilder(deployments.map((deployment) => deployment.id));
  for (const evaluationCase of cases) summary.add(evaluationCase);
  const report: EvaluationReport = { summary: summary.rows(), cases, graderCostUsd: summary.graderCostUsd, unsent: outcome.unsent, stopped: outcome.stopped };
  const output = FORMATS[args.format](report);
  io.stdout(output.endsWith('\n') ? output : `${output}\n`);
  if (outcome.stopped === 'max-cost') io.stderr(`fanout: stopped at --max-cost ${formatCost(args.maxCostUsd!)} (spent ${formatCost(outcome.spentUsd)}); ${outcome.unsent} case${outcome.unsent === 1 ? '' : 's'} not run${file ? ` — fanout eval --resume ${file} runs them` : ''}\n`);
  return outcome.unsent === 0 && cases.every((evaluationCase) => evaluationCase.pass) ? 0 : 1;
}

const FORMATS: Record<EvalFormat, (report: EvaluationReport) => string> = {
  table: formatEvaluationTable,
  json: formatEvaluationJson,
  junit: formatEvaluationJunit,
  markdown: formatEvaluationMarkdown,
};

/** The file's limit for this deployment, then --concurrency, then the file's `*` and promptfoo's maxConcurrency. */
function limitsFor(id: string, suite: EvaluationSuite, args: EvalArguments): DeploymentLimits {
  const own = suite.limits[id] ?? {};
  const every = suite.limits['*'] ?? {};
  return {
    concurrency: own.concurrency ?? args.concurrency ?? every.concurrency ?? suite.concurrency ?? DEFAULT_CONCURRENCY,
    ...((own.requestsPerMinute ?? every.requestsPerMinute) !== undefined ? { requestsPerMinute: own.requestsPerMinute ?? every.requestsPerMinute } : {}),
    ...((own.tokensPerMinute ?? every.tokensPerMinute) !== undefined ? { tokensPerMinute: own.tokensPerMinute ?? every.tokensPerMinute } : {}),
  };
}

/** The cases a resumed file holds for this plan; a torn or corrupt line is skipped with a warning (its case runs again). */
async function resumedCases(file: string, suite: EvaluationSuite, deployments: readonly Deployment[], io: EvalIo): Promise<CaseLine[]> {
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

/** Every case of this plan in the results file. */
async function planCases(file: string, suite: EvaluationSuite, deployments: readonly Deployment[]): Promise<CaseLine[]> {
  const ids = new Set(deployments.map((deployment) => deployment.id));
  const { lines } = await readResults(file);
  return lines.filter((line) => {
    const place = placeOf(line.key)!;
    return ids.has(place.deployment) && place.test < suite.tests.length && place.prompt < suite.prompts.length;
  });
}

function selectDeployments(args: EvalArguments, all: Deployment[]): Deployment[] {
  if (!args.deployments) return all;
  const unknown = args.deployments.filter((id) => !all.some((deployment) => deployment.id === id));
  if (unknown.length) throw new UsageError(`--deployments: no deployment ${unknown.map((id) => `"${id}"`).join(', ')} in ${args.config} — known: ${all.map((d) => d.id).join(', ')}`);
  return all.filter((deployment) => args.deployments!.includes(deployment.id));
}

async function loadDeployments(file: string): Promise<Deployment[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}) — check the path`);
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw new UsageError(`${formatIssue(parsed.issues[0]!)}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more; run fanout validate --config ${file})` : ''}`);
  if (parsed.deployments.length === 0) throw new UsageError(`${file}: "deployments" is empty — add at least one deployment`);
  return parsed.deployments;
}
