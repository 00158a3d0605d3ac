/** The run the playground shows: what Copy, Insert, Compare, Export and Re-run act on. */
import type { DeploymentResult } from '../../core/engine/fanout';
import type { RunRequest } from '../../protocol';

export class ShownRun {
  private current: { request: RunRequest; results: Map<string, DeploymentResult> } | null = null;

  /** The request the shown answers came from, if any. */
  get request(): RunRequest | undefined {
    return this.current?.request;
  }

  /** Shows another run: its request, and the answers it has so far. */
  replace(request: RunRequest, results: readonly DeploymentResult[] = []): void {
    this.current = { request, results: new Map(results.map((result) => [result.deployment, result])) };
  }

  /** One answer came (or came again): it replaces that deployment's previous one. */
  add(result: DeploymentResult): void {
    this.current?.results.set(result.deployment, result);
  }

  resultOf(deploymentId: string): DeploymentResult | undefined {
    return this.current?.results.get(deploymentId);
  }

  results(): DeploymentResult[] {
    return [...(this.current?.results.values() ?? [])];
  }
}
