/**
 * Which deployments go through their cloud's batch service and which stream: a kind whose descriptor has no `batch`
 * section streams (and the caller says so); a deployment its descriptor finds a problem with (Azure without
 * `batch.deployment`) is a config error, named before anything is uploaded.
 */
import type { Deployment } from '../config/deployment';
import { descriptorOf, providerLabel } from '../../providers/registry';
import type { BatchAdapter, BatchSupport } from './batchAdapter';

export interface BatchSplit {
  batched: Deployment[];
  /** No batch path: these run streamed in the same eval. */
  streamed: Deployment[];
  /** One line each: the deployment, what is wrong, the fix. */
  problems: string[];
}

export function batchSupportOf(deployment: Deployment): BatchSupport<Deployment> | null {
  return (descriptorOf(deployment.provider).batch as BatchSupport<Deployment> | undefined) ?? null;
}

export function sortForBatch(deployments: readonly Deployment[]): BatchSplit {
  const split: BatchSplit = { batched: [], streamed: [], problems: [] };
  for (const deployment of deployments) {
    const support = batchSupportOf(deployment);
    if (!support) {
      split.streamed.push(deployment);
      continue;
    }
    const problem = support.problem(deployment);
    if (problem) split.problems.push(`deployment "${deployment.id}": ${problem}`);
    else split.batched.push(deployment);
  }
  return split;
}

/** Why these deployments stream, in one line. */
export function streamedNote(streamed: readonly Deployment[]): string {
  return `${streamed.map((deployment) => `"${deployment.id}"`).join(', ')}: ${[...new Set(streamed.map((deployment) => providerLabel(deployment.provider)))].join(', ')} has no batch service — ${streamed.length === 1 ? 'its cases run' : 'their cases run'} streamed`;
}

export async function batchAdapterOf(deployment: Deployment): Promise<BatchAdapter<Deployment>> {
  const support = batchSupportOf(deployment);
  if (!support) throw new Error(`${providerLabel(deployment.provider)} has no batch service`);
  return support.adapter();
}
