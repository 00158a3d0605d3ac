/**
 * "Fanout: Run Evaluation" on a tests file: reads it (`javascript` assertions only in a trusted workspace), runs it on
 * the deployments of the user's settings (and a trusted workspace's file — the tests file names deployments by id and
 * never says where a key goes), appends each case to `.fanout/eval-<name>.jsonl` beside it, and records the spend in
 * the ledger. A Run on an unchanged tests file whose last run was cut short resumes it (finished cases are never sent
 * again); otherwise the old results are kept as `eval-<name>.previous.jsonl` and the run starts afresh.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Deployment } from '../../core/config/deployment';
import type { CaseLine } from '../../core/evaluation/evaluationCase';
import type { BatchJobState } from '../../core/batch/batchJobLine';
import { ResultsWriter, readResults } from '../../core/evaluation/resultsFile';
import { buildMatrix, failedKeys, type ResultsMatrix } from '../../core/evaluation/resultsMatrix';
import { runEvaluation, type EvaluationOutcome } from '../../core/evaluation/runner';
import { EvaluationInputError, type DeploymentLimits, type EvaluationSuite } from '../../core/evaluation/suite';
import { parseTestsFile } from '../../core/evaluation/testsFile';
import type { CredentialResolver } from '../../core/security/credential';
import type { SpendLedger, SpendRecord } from '../../core/storage/ledger';
import { loadAdapter } from '../../providers/registry';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { engineOptions } from '../platform/engineOptions';
import type { Log } from '../platform/log';

const DEFAULT_CONCURRENCY = 4;
/** The tests files the command and the CodeLens know, by name. */
export const TESTS_FILE_NAME = /(\.fanout-tests\.(ya?ml|json)|(^|[\\/])promptfooconfig\.ya?ml)$/;

export interface EvaluationServices {
  settings: DeploymentSettings;
  credentials: CredentialResolver;
  ledger: SpendLedger;
  log: Log;
  /** After spend was recorded (the status bar follows). */
  onSpend: () => Promise<void>;
  isTrusted: () => boolean;
}

export interface EvaluationRun {
  testsFile: string;
  resultsFile: string;
  suite: EvaluationSuite;
  deployments: string[];
  matrix: ResultsMatrix;
  /** What this run did. */
  outcome: EvaluationOutcome;
  resumed: number;
}

/** `.fanout/eval-<name>.jsonl` beside the tests file. */
export function resultsFileOf(testsFile: string): string {
  const name = basename(testsFile).replace(/\.fanout-tests\.(ya?ml|json)$|\.(ya?ml|json)$/, '');
  return join(dirname(testsFile), '.fanout', `eval-${name}.jsonl`);
}

const stampOf = (resultsFile: string): string => resultsFile.replace(/\.jsonl$/, '.stamp');
export const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The tests file as this workspace may run it: `javascript` refused, naming the test, unless the workspace is trusted. */
export async function readSuite(testsFile: string, trusted: boolean): Promise<{ suite: EvaluationSuite; text: string }> {
  const text = await readFile(testsFile, 'utf8');
  return { suite: await parseTestsFile(text, testsFile, { allowJavascript: trusted }), text };
}

export class EvaluationRunner {
  constructor(private readonly services: EvaluationServices) {}

  /**
   * Runs (or resumes) the tests file; `only` re-sends just those keys (re-run failed). Throws EvaluationInputError
   * with the file's one-line problem. `onCase` sees each case as it is written.
   */
  async run(testsFile: string, options: { deploymentIds?: string[]; signal?: AbortSignal; only?: string[]; onCase?: (line: CaseLine) => void } = {}): Promise<EvaluationRun> {
    const { log } = this.services;
    const { suite, text, deployments, graders } = await this.inputsOf(testsFile, options.deploymentIds);
    const ids = deployments.map((deployment) => deployment.id);
    const resultsFile = resultsFileOf(testsFile);
    const finished = await this.carriedOver(resultsFile, hashOf(text), suite, ids, options.only);
    log.info(`evaluation: ${basename(testsFile)} on ${ids.join(', ')}${finished.size ? ` (${finished.size} case(s) carried over)` : ''}`);

    const writer = new ResultsWriter(resultsFile);
    const runId = randomUUID();
    const spends: Array<Promise<unknown>> = [];
    const byId = new Map([...deployments, ...graders.values()].map((deployment) => [deployment.id, deployment]));
    const outcome = await runEvaluation({
      suite,
      deployments,
      graders,
      repeat: 1,
      finished,
      limitsFor: (id) => limitsFor(id, suite),
      engine: { loadAdapter, credentials: this.services.credentials, ...(await engineOptions()) },
      ...(options.signal ? { signal: options.signal } : {}),
      onCase: (line) => {
        writer.add(line);
        spends.push(this.services.ledger.record(spendOf(runId, line, byId, suite.grader ?? suite.graders[0] ?? null)).catch((error: Error) => log.error(`spend: could not record: ${error.message}`)));
        options.onCase?.(line);
      },
    });
    await writer.close();
    await Promise.all(spends);
    await this.services.onSpend();
    log.info(`evaluation: ${outcome.ran} case(s) run${outcome.stopped ? `, ${outcome.stopped} with ${outcome.unsent} not run` : ''}`);
    const { lines } = await readResults(resultsFile);
    return { testsFile, resultsFile, suite, deployments: ids, matrix: buildMatrix(suite, ids, 1, lines), outcome, resumed: finished.size };
  }

  /** The tests file, the deployments it runs on (all of the user's, or those named) and its graders; throws EvaluationInputError. */
  async inputsOf(testsFile: string, deploymentIds: readonly string[] | undefined): Promise<{ suite: EvaluationSuite; text: string; deployments: Deployment[]; graders: Map<string, Deployment> }> {
    const { settings } = this.services;
    const { suite, text } = await readSuite(testsFile, this.services.isTrusted());
    const deployments = settings.deployments.filter((deployment) => !deploymentIds || deploymentIds.includes(deployment.id));
    if (!deployments.length) throw new EvaluationInputError(settings.deployments.length ? `none of ${deploymentIds!.join(', ')} is in your deployments` : 'no deployments yet — add them to the "fanout.deployments" setting');
    const graders = new Map<string, Deployment>();
    for (const id of suite.graders) {
      const grader = settings.deployments.find((deployment) => deployment.id === id);
      if (!grader) throw new EvaluationInputError(`grader: no deployment "${id}" in your deployments — known: ${settings.deployments.map((d) => d.id).join(', ')}`);
      graders.set(id, grader);
    }
    return { suite, text, deployments, graders };
  }

  /** The results as the file holds them now (for a view opened on a past run). */
  async matrixOf(testsFile: string, deploymentIds: string[]): Promise<ResultsMatrix> {
    const { suite } = await readSuite(testsFile, this.services.isTrusted());
    return buildMatrix(suite, deploymentIds, 1, (await readResults(resultsFileOf(testsFile))).lines);
  }

  /**
   * The keys this run need not send. Same tests file and an unfinished plan: everything in the file (resume).
   * `only`: everything but those keys, whose lines are dropped from the file first. Otherwise none: the old file
   * is moved aside and the stamp says which tests file the new one is for. Cases in batch jobs not yet fetched
   * count as carried over.
   */
  async carriedOver(resultsFile: string, hash: string, suite: EvaluationSuite, ids: string[], only: string[] | undefined): Promise<Set<string>> {
    const stamp = await readFile(stampOf(resultsFile), 'utf8').catch(() => '');
    const empty = { lines: [] as CaseLine[], jobs: [] as BatchJobState[], skipped: 0 };
    const { lines, jobs, skipped } = stamp.trim() === hash ? await readResults(resultsFile).catch(() => empty) : empty;
    // cases in a batch job not yet fetched are on their way: never sent again (Fetch brings them in)
    const pending = jobs.filter((job) => !job.fetched && ids.includes(job.deployment)).flatMap((job) => job.keys);
    if (skipped) this.services.log.warn(`evaluation: ${resultsFile}: skipped ${skipped} torn or corrupt line(s) (those cases run again)`);
    if (only && lines.length) {
      const again = new Set(only);
      const kept = lines.filter((line) => !again.has(line.key));
      await writeFile(`${resultsFile}.tmp`, [...jobs, ...kept].map((line) => `${JSON.stringify(line)}\n`).join(''), 'utf8');
      await rename(`${resultsFile}.tmp`, resultsFile);
      return new Set(kept.map((line) => line.key));
    }
    const matrix = buildMatrix(suite, ids, 1, lines);
    const missing = matrix.rows.some((row) => row.cells.some((cell) => cell.state === 'missing'));
    if ((lines.length || pending.length) && missing) return new Set([...lines.map((line) => line.key), ...pending]);
    await rename(resultsFile, resultsFile.replace(/\.jsonl$/, '.previous.jsonl')).catch(() => undefined);
    await mkdir(dirname(resultsFile), { recursive: true });
    await writeFile(stampOf(resultsFile), `${hash}\n`, 'utf8');
    return new Set();
  }

  /** The keys "Re-run failed" sends again. */
  static failed(matrix: ResultsMatrix): string[] {
    return failedKeys(matrix);
  }
}

/** The file's limit for this deployment, then its `*`, then promptfoo's maxConcurrency. */
export function limitsFor(id: string, suite: EvaluationSuite): DeploymentLimits {
  const own = suite.limits[id] ?? {};
  const every = suite.limits['*'] ?? {};
  const requestsPerMinute = own.requestsPerMinute ?? every.requestsPerMinute;
  const tokensPerMinute = own.tokensPerMinute ?? every.tokensPerMinute;
  return {
    concurrency: own.concurrency ?? every.concurrency ?? suite.concurrency ?? DEFAULT_CONCURRENCY,
    ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}),
    ...(tokensPerMinute !== undefined ? { tokensPerMinute } : {}),
  };
}

/** The case's priced answer, and its grading apart (under the grader's id), as spend records. */
export function spendOf(runId: string, line: CaseLine, byId: ReadonlyMap<string, Deployment>, grader: string | null): SpendRecord[] {
  const records: SpendRecord[] = [];
  const at = new Date().toISOString();
  const deployment = byId.get(line.deployment);
  const { costUsd, graderCostUsd, inputTokens, outputTokens } = line.metrics;
  if (deployment && costUsd !== null && costUsd > 0) {
    records.push({ id: `${runId}:${line.key}`, at, deployment: deployment.id, provider: deployment.provider, model: deployment.model, inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0, costUsd, source: 'evaluation' });
  }
  const grading = grader ? byId.get(grader) : undefined;
  if (grading && graderCostUsd) {
    records.push({ id: `${runId}:${line.key}:grader`, at, deployment: grading.id, provider: grading.provider, model: grading.model, inputTokens: 0, outputTokens: 0, costUsd: graderCostUsd, source: 'evaluation grading' });
  }
  return records;
}
