/**
 * The "Fanout Batch Jobs" list as data (no `vscode` here, so plain-node tests read it): a job's label, its one-line
 * description (state, counts, age), its tooltip, which actions it offers, and the words of the notification when it
 * finishes. Built from the job as its results file knows it (src/core/batch/batchJobLine.ts).
 */
import { basename } from 'node:path';
import type { BatchStatus } from '../../core/batch/batchAdapter';
import type { BatchJobState } from '../../core/batch/batchJobLine';
import { isFinal } from '../../core/batch/batchFollow';

/** Which actions a job offers: Cancel while it runs, Fetch once final, nothing more once fetched. */
export type JobPhase = 'running' | 'finished' | 'fetched';

export interface JobItemModel {
  label: string;
  description: string;
  tooltip: string;
  phase: JobPhase;
}

const count = (value: number): string => value.toLocaleString('en-US');

/** "just now", "4 min", "2 h 5 min", "3 d 2 h": how long ago, as a list column reads it. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 60_000) return 'just now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function phaseOf(job: BatchJobState): JobPhase {
  if (job.fetched) return 'fetched';
  return isFinal(job.status) ? 'finished' : 'running';
}

/** "1,200 of 20,000 answered, 2 failed", or "20,000 cases" before the cloud has counted. */
export function countsOf(job: BatchJobState): string {
  const status = job.status;
  const total = status?.total ?? job.keys.length;
  if (!status || status.succeeded === null) return `${count(total)} case${total === 1 ? '' : 's'}`;
  // a stopped job's cloud counts the lines it never ran as failed: only what it answered says anything there
  const failed = stopped(status) ? 0 : status.failed ?? 0;
  return `${count(status.succeeded)} of ${count(total)} answered${failed ? `, ${count(failed)} failed` : ''}`;
}

/** The job's state in our words; the cloud's own beside it when it differs. */
export function stateOf(job: BatchJobState): string {
  if (job.fetched) return job.missing?.length ? `fetched, ${count(job.missing.length)} never answered` : 'fetched';
  const status = job.status;
  if (!status) return 'submitted';
  return status.state === 'completed' ? 'finished — fetch' : isFinal(status) ? `${status.state} — fetch what it did` : status.state;
}

/** A tests file's jobs, under one row named after it (the list is narrow: a job's row names only its deployment). */
export interface JobGroup<J extends { job: BatchJobState } = { job: BatchJobState }> {
  resultsFile: string;
  tests: string | null;
  jobs: J[];
}

export function groupItemModel(group: JobGroup, now: number): Omit<JobItemModel, 'phase'> {
  const phases = group.jobs.map((listed) => phaseOf(listed.job));
  const running = phases.filter((phase) => phase === 'running').length;
  const toFetch = phases.filter((phase) => phase === 'finished').length;
  const newest = Math.max(...group.jobs.map((listed) => Date.parse(listed.job.submittedAt)));
  const parts = [...(running ? [`${running} running`] : []), ...(toFetch ? [`${toFetch} to fetch`] : []), ...(!running && !toFetch ? ['all fetched'] : []), formatAge(now - newest)];
  return {
    label: basename(group.tests ?? group.resultsFile),
    description: parts.join(' · '),
    tooltip: `Tests: ${group.tests ?? '(unknown)'}\nResults: ${group.resultsFile}`,
  };
}

export function jobItemModel(job: BatchJobState, resultsFile: string, now: number): JobItemModel {
  const age = formatAge(now - Date.parse(job.submittedAt));
  const status = job.status;
  const tooltip = [
    `${job.deployment} · ${job.service ?? 'batch'}`,
    `Tests: ${job.tests ?? '(unknown)'}`,
    `Results: ${resultsFile}`,
    `Job: ${job.batchJob}`,
    `State: ${stateOf(job)}${status && status.rawState !== status.state ? ` (${status.rawState})` : ''}`,
    `Cases: ${countsOf(job)}`,
    `Submitted: ${job.submittedAt} (${age === 'just now' ? age : `${age} ago`})`,
    ...(status?.message ? [`Cloud says: ${status.message}`] : []),
  ].join('\n');
  return { label: job.deployment, description: `${stateOf(job)} · ${countsOf(job)} · ${age}`, tooltip, phase: phaseOf(job) };
}

const stopped = (status: BatchStatus): boolean => status.state === 'expired' || status.state === 'cancelled';

/**
 * "Batch on openai-mini finished: 19,998 answered, 2 failed"; "… expired: 10,000 of 20,000 answered" (the
 * notification's text; its buttons are Fetch and Open results).
 */
export function finishedMessage(job: BatchJobState): string {
  const status = job.status;
  const cases = `${count(job.keys.length)} case${job.keys.length === 1 ? '' : 's'}`;
  if (!status || status.state === 'failed') return `Batch on ${job.deployment} failed: ${cases}${status?.message ? ` — ${status.message}` : ''}`;
  const verb = status.state === 'completed' ? 'finished' : status.state === 'expired' ? 'expired' : 'was cancelled';
  if (status.succeeded === null) return `Batch on ${job.deployment} ${verb}: ${cases}`;
  if (stopped(status)) return `Batch on ${job.deployment} ${verb}: ${count(status.succeeded)} of ${count(status.total ?? job.keys.length)} answered`;
  return `Batch on ${job.deployment} ${verb}: ${count(status.succeeded)} answered, ${count(status.failed ?? 0)} failed`;
}
