/**
 * The "Fanout Batch Jobs" view: every batch job recorded in the workspace's results files (`.fanout/eval-*.jsonl`,
 * and any this window submitted to), so closing and reopening the editor loses nothing. While a job runs it is polled
 * every DEFAULT_POLL_MS (the core's default; never faster) and on Refresh; when one finishes a notification offers
 * Fetch and Open results. Fetch brings its answers into the results file once (spend recorded under a stable id per
 * case, so fetching again never doubles it) and shows them in the results view; Cancel asks the cloud to stop.
 */
import * as vscode from 'vscode';
import { cancelJobs } from '../../core/batch/batchCancel';
import { fetchJobs } from '../../core/batch/batchFetch';
import { DEFAULT_POLL_MS, isFinal, refreshJobs } from '../../core/batch/batchFollow';
import { streamedGrader } from '../../core/batch/batchGrader';
import type { BatchHost } from '../../core/batch/batchHost';
import type { BatchJobLine, BatchJobState } from '../../core/batch/batchJobLine';
import type { Deployment } from '../../core/config/deployment';
import { realClock } from '../../core/engine/clock';
import type { CaseLine } from '../../core/evaluation/evaluationCase';
import { ResultsWriter, readResults } from '../../core/evaluation/resultsFile';
import { EvaluationInputError } from '../../core/evaluation/suite';
import { loadAdapter } from '../../providers/registry';
import { Disposable } from '../platform/disposable';
import { engineOptions } from '../platform/engineOptions';
import { caseSpender } from './batchEvaluation';
import { finishedMessage, groupItemModel, jobItemModel, type JobGroup } from './batchJobModel';
import { groupByFile, pickJob, type JobAction, type ListedJob } from './batchJobPick';
import type { EvaluationRunner, EvaluationServices } from './evaluationRunner';

export const BATCH_JOBS_VIEW = 'fanout.batchJobs';
export const BATCH_COMMANDS = {
  refresh: 'fanout.refreshBatchJobs',
  fetch: 'fanout.fetchBatchJob',
  cancel: 'fanout.cancelBatchJob',
  open: 'fanout.openBatchResults',
} as const;
/** Set while any job is listed: the view shows only then. */
const HAS_JOBS = 'fanout.hasBatchJobs';
export type { ListedJob };
/** A row of the list: a tests file (its results file) or one of its jobs. */
export type BatchNode = JobGroup<ListedJob> | ListedJob;
const RESULTS_GLOB = '**/.fanout/eval-*.jsonl';

export interface BatchJobsServices extends EvaluationServices {
  runner: EvaluationRunner;
  /** Opens (or re-renders) the tests file's results view. */
  showResults(testsFile: string, deploymentIds: string[]): Promise<void>;
}

/** The tests file a results file was made from: the job says (editor and CLI both record it). */
const testsFileOf = (listed: ListedJob): string | null => listed.job.tests ?? null;

export class BatchJobs extends Disposable implements vscode.TreeDataProvider<BatchNode> {
  jobs: ListedJob[] = [];
  /** Every notification's text, newest last (tests read them; no secret is ever in one). */
  readonly notices: string[] = [];
  private readonly known = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<void> | null = null;
  private again: Promise<void> | null = null;
  private readonly stop = new AbortController();

  constructor(private readonly services: BatchJobsServices, private readonly pollMs = DEFAULT_POLL_MS) {
    super();
    this.register(vscode.window.createTreeView(BATCH_JOBS_VIEW, { treeDataProvider: this, showCollapseAll: false }));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(RESULTS_GLOB, false, true, true));
    this.register(watcher.onDidCreate(() => void this.refresh()));
    this.register(vscode.commands.registerCommand(BATCH_COMMANDS.refresh, () => this.refresh()));
    this.register(vscode.commands.registerCommand(BATCH_COMMANDS.fetch, (listed?: ListedJob) => this.pick(listed, 'fetch').then((job) => job && this.fetch(job))));
    this.register(vscode.commands.registerCommand(BATCH_COMMANDS.cancel, (listed?: ListedJob) => this.pick(listed, 'cancel').then((job) => job && this.cancel(job))));
    this.register(vscode.commands.registerCommand(BATCH_COMMANDS.open, (listed?: ListedJob) => this.pick(listed, 'open').then((job) => job && this.open(job))));
    this.register({ dispose: () => { this.stop.abort(); clearTimeout(this.timer); } });
    void this.refresh();
  }

  getTreeItem(node: BatchNode): vscode.TreeItem {
    if (!('job' in node)) {
      const model = groupItemModel(node, Date.now());
      const item = new vscode.TreeItem(model.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.resultsFile;
      item.description = model.description;
      item.tooltip = model.tooltip;
      item.contextValue = 'fanout.batchTests';
      item.iconPath = new vscode.ThemeIcon('beaker');
      return item;
    }
    const model = jobItemModel(node.job, node.resultsFile, Date.now());
    const item = new vscode.TreeItem(model.label, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.resultsFile}\u0000${node.job.deployment}\u0000${node.job.batchJob}`;
    item.description = model.description;
    item.tooltip = model.tooltip;
    item.contextValue = `fanout.batchJob.${model.phase}`;
    item.iconPath = new vscode.ThemeIcon(model.phase === 'running' ? 'sync' : model.phase === 'finished' ? 'cloud-download' : 'check');
    item.command = { title: 'Open results', command: BATCH_COMMANDS.open, arguments: [node] };
    item.accessibilityInformation = { label: `${model.label}: ${model.description}` };
    return item;
  }

  /** One node per tests file (its results file), its jobs beneath, newest first. */
  getChildren(parent?: BatchNode): BatchNode[] {
    if (parent) return 'job' in parent ? [] : parent.jobs;
    return [...groupByFile(this.jobs)].map(([resultsFile, jobs]) => ({ resultsFile, tests: jobs[0]!.job.tests ?? null, jobs }));
  }

  /** Adds a results file this window wrote jobs to (a tests file outside the workspace folders too). */
  async track(resultsFile: string): Promise<void> {
    this.known.add(resultsFile);
    await this.refresh();
  }

  /**
   * Reads the jobs every results file holds now: unfetched ones, and fetched ones of the current files. Only a poll
   * calls it (one at a time), so the jobs a poll is updating are never swapped for older reads under it.
   */
  private async rescan(): Promise<void> {
    const found = await vscode.workspace.findFiles(RESULTS_GLOB, '**/node_modules/**').then((uris) => uris.map((uri) => uri.fsPath), () => []);
    for (const file of found) this.known.add(file);
    const listed: ListedJob[] = [];
    for (const resultsFile of this.known) {
      const { jobs } = await readResults(resultsFile).catch(() => ({ jobs: [] as BatchJobState[] }));
      const aside = resultsFile.endsWith('.previous.jsonl');
      for (const job of jobs) if (!aside || !job.fetched) listed.push({ resultsFile, job });
    }
    listed.sort((a, b) => b.job.submittedAt.localeCompare(a.job.submittedAt));
    this.jobs = listed;
    void vscode.commands.executeCommand('setContext', HAS_JOBS, listed.length > 0);
    this.changed.fire();
  }

  /** Rescans, asks the clouds about every running job once, tells of each that finished, and polls again later. */
  refresh(): Promise<void> {
    // a poll under way may have read the files before the caller's change (a fetch, a cancel): one more after it
    if (this.polling) return (this.again ??= this.polling.then(() => {
      this.again = null;
      return this.refresh();
    }));
    this.polling = this.poll().finally(() => (this.polling = null));
    return this.polling;
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    await this.rescan();
    const running = this.jobs.filter((listed) => !isFinal(listed.job.status));
    for (const [resultsFile, group] of groupByFile(running)) {
      await this.announcingFinished(group, () => this.withHost(resultsFile, (host) => refreshJobs(group.map((listed) => listed.job), this.deployments(), host)));
    }
    this.changed.fire();
    if (this.jobs.some((listed) => !isFinal(listed.job.status)) && !this.stop.signal.aborted) this.timer = setTimeout(() => void this.refresh(), this.pollMs);
  }

  async fetch(row: ListedJob): Promise<number | undefined> {
    const listed = await this.current(row);
    const testsFile = testsFileOf(listed);
    if (!testsFile) return this.problem(`the job ${listed.job.batchJob} does not say which tests file it was made from — fetch it with fanout batch fetch --output ${listed.resultsFile} --tests FILE --config FILE`);
    let inputs;
    try {
      inputs = await this.services.runner.inputsOf(testsFile, [listed.job.deployment]);
    } catch (error) {
      if (!(error instanceof EvaluationInputError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return this.problem(`cannot fetch ${listed.job.deployment}'s batch: ${error instanceof EvaluationInputError ? error.message : `${testsFile} is gone`}`);
    }
    const { suite, deployments, graders } = inputs;
    const byId = new Map([...deployments, ...graders.values()].map((deployment) => [deployment.id, deployment]));
    const spender = caseSpender(this.services.ledger, this.services.log, suite, byId);
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fanout: fetching the batch on ${listed.job.deployment}` }, async () => {
      const written = new Set((await readResults(listed.resultsFile)).lines.map((line) => line.key));
      const engine = { loadAdapter, credentials: this.services.credentials, ...(await engineOptions()) };
      return this.withHost(listed.resultsFile, async (host) => {
        // refresh first: a job listed as running may have finished since the last poll
        await refreshJobs([listed.job], this.deployments(), host);
        return fetchJobs([listed.job], { suite, deployments: byId, written, grade: streamedGrader(graders, { ...engine, signal: host.signal }) }, host);
      }, (line) => spender.spend(`batch:${listed.job.batchJob}`, line));
    });
    await spender.settled();
    await this.services.onSpend();
    await this.refresh();
    if (!isFinal(listed.job.status)) {
      this.say(`the batch on ${listed.job.deployment} is still ${listed.job.status?.state ?? 'submitted'} — Fetch once it has finished`);
      return 0;
    }
    this.say(`fetched ${summary.cases} case${summary.cases === 1 ? '' : 's'} from the batch on ${listed.job.deployment}${summary.missing.length ? `; ${summary.missing.length} never answered (Run Evaluation as Batch sends them again)` : ''}`);
    await this.open(listed);
    return summary.cases;
  }

  async cancel(row: ListedJob): Promise<boolean> {
    const listed = await this.current(row);
    const cancelled = await this.announcingFinished([listed], () => this.withHost(listed.resultsFile, (host) => cancelJobs([listed.job], this.deployments(), host)));
    await this.refresh();
    if (cancelled) this.say(`cancel sent for the batch on ${listed.job.deployment}; what it finished comes in with Fetch once it has stopped`);
    return cancelled > 0;
  }

  async open(listed: ListedJob): Promise<void> {
    const testsFile = testsFileOf(listed);
    if (!testsFile) return void this.problem(`the job ${listed.job.batchJob} does not say which tests file it was made from`);
    const { lines, jobs } = await readResults(listed.resultsFile);
    const inFile = new Set([...lines.map((line) => line.deployment), ...jobs.map((job) => job.deployment)]);
    const ordered = [...this.services.settings.deployments.map((deployment) => deployment.id).filter((id) => inFile.has(id)), ...[...inFile].filter((id) => !this.services.settings.deployments.some((deployment) => deployment.id === id))];
    await this.services.showResults(testsFile, ordered);
  }

  /** The host the core writes this results file through; job lines and (when given) each case line's spend. */
  private async withHost<T>(resultsFile: string, use: (host: BatchHost) => Promise<T>, onCase?: (line: CaseLine) => void): Promise<T> {
    const writer = new ResultsWriter(resultsFile);
    const errors: string[] = [];
    const host: BatchHost = {
      credentials: this.services.credentials,
      transport: (await engineOptions()).transport ?? { http1: false },
      clock: realClock,
      signal: this.stop.signal,
      write: (line: CaseLine | BatchJobLine) => {
        writer.add(line);
        if ('key' in line) onCase?.(line);
      },
      onEvent: (event) => {
        if (event.type !== 'error') return;
        errors.push(`${event.deployment}: ${event.error.message}`);
        this.services.log.warn(`batch: ${event.deployment}${event.job ? ` (${event.job})` : ''}: ${event.error.message}`);
      },
    };
    try {
      return await use(host);
    } finally {
      await writer.close();
      for (const error of new Set(errors)) this.problem(`batch on ${error}`);
    }
  }

  /** The job as its file says now (a row or a notification may be older than the last poll). */
  private async current(row: ListedJob): Promise<ListedJob> {
    await this.refresh();
    return this.jobs.find((listed) => listed.resultsFile === row.resultsFile && listed.job.deployment === row.job.deployment && listed.job.batchJob === row.job.batchJob) ?? row;
  }

  private deployments(): ReadonlyMap<string, Deployment> {
    return new Map(this.services.settings.deployments.map((deployment) => [deployment.id, deployment]));
  }

  /** Runs `act` (which may learn the jobs' new states) and announces each job it saw become final. */
  private async announcingFinished<T>(jobs: readonly ListedJob[], act: () => Promise<T>): Promise<T> {
    const before = new Map(jobs.map((listed) => [listed, listed.job.status?.state ?? null]));
    const result = await act();
    for (const listed of jobs) if (isFinal(listed.job.status) && before.get(listed) !== listed.job.status!.state) this.notifyFinished(listed);
    return result;
  }

  private notifyFinished(listed: ListedJob): void {
    const text = finishedMessage(listed.job);
    this.notices.push(text);
    void vscode.window.showInformationMessage(`Fanout: ${text}`, 'Fetch', 'Open results').then((choice) => {
      if (choice === 'Fetch') void this.fetch(listed);
      else if (choice === 'Open results') void this.open(listed);
    });
  }

  /** From a list row, or asked in a quick pick (the palette). */
  private async pick(listed: ListedJob | undefined, action: JobAction): Promise<ListedJob | undefined> {
    if (listed?.job) return listed;
    await this.refresh();
    return pickJob(this.jobs, action);
  }

  private say(text: string): void {
    this.notices.push(text);
    void vscode.window.showInformationMessage(`Fanout: ${text}`);
  }

  private problem(text: string): undefined {
    this.notices.push(text);
    void vscode.window.showErrorMessage(`Fanout: ${text}`);
    return undefined;
  }

  override dispose(): void {
    void vscode.commands.executeCommand('setContext', HAS_JOBS, false);
    super.dispose();
  }
}
