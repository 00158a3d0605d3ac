/** A batch job of the list, and the quick pick the palette's Fetch, Cancel and Open results ask with. */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { isFinal } from '../../core/batch/batchFollow';
import type { BatchJobState } from '../../core/batch/batchJobLine';
import { jobItemModel } from './batchJobModel';

export interface ListedJob {
  resultsFile: string;
  job: BatchJobState;
}

export type JobAction = 'fetch' | 'cancel' | 'open';

const fits: Record<JobAction, (listed: ListedJob) => boolean> = {
  fetch: (listed) => !listed.job.fetched,
  cancel: (listed) => !isFinal(listed.job.status),
  open: () => true,
};
const TITLES: Record<JobAction, string> = { fetch: 'Fetch which batch job?', cancel: 'Cancel which batch job?', open: 'Open the results of which batch job?' };

export async function pickJob(jobs: readonly ListedJob[], action: JobAction): Promise<ListedJob | undefined> {
  const candidates = jobs.filter(fits[action]);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`Fanout: no batch job to ${action} — Run Evaluation as Batch on a tests file starts one.`);
    return undefined;
  }
  const items = candidates.map((listed) => {
    const model = jobItemModel(listed.job, listed.resultsFile, Date.now());
    return { label: `${model.label} · ${basename(listed.job.tests ?? listed.resultsFile)}`, description: model.description, detail: listed.resultsFile, listed };
  });
  return (await vscode.window.showQuickPick(items, { title: TITLES[action] }))?.listed;
}

export function groupByFile(jobs: readonly ListedJob[]): Map<string, ListedJob[]> {
  const groups = new Map<string, ListedJob[]>();
  for (const listed of jobs) groups.set(listed.resultsFile, [...(groups.get(listed.resultsFile) ?? []), listed]);
  return groups;
}
