/** The run the playground shows: what Copy, Insert, Compare, Export, Re-run and the next turn act on. */
import { randomUUID } from 'node:crypto';
import type { DeploymentResult } from '../../core/engine/fanout';
import type { RunRequest } from '../../protocol';
import { Conversation, setupOf } from './conversation';

interface Shown {
  request: RunRequest;
  results: Map<string, DeploymentResult>;
  conversation: Conversation;
  /** Every turn of one conversation is saved under this id; the history lists the newest. */
  conversationId: string;
}

export class ShownRun {
  private current: Shown | null = null;

  /** The request the shown answers came from, if any. */
  get request(): RunRequest | undefined {
    return this.current?.request;
  }

  get conversation(): Conversation | undefined {
    return this.current?.conversation;
  }

  get conversationId(): string | undefined {
    return this.current?.conversationId;
  }

  /** Shows another run: its request, the answers it has so far, its conversation (a new one by default). */
  replace(request: RunRequest, results: readonly DeploymentResult[] = [], conversation = new Conversation(setupOf(request)), conversationId: string = randomUUID()): void {
    this.current = { request, results: new Map(results.map((result) => [result.deployment, result])), conversation, conversationId };
  }

  /** One answer came (or came again): it replaces that deployment's previous one. */
  add(result: DeploymentResult): void {
    this.current?.results.set(result.deployment, result);
  }

  resultOf(deploymentId: string): DeploymentResult | undefined {
    return this.current?.results.get(deploymentId);
  }

  /** In column order (answers arrive in the order the clouds finish). */
  results(): DeploymentResult[] {
    if (!this.current) return [];
    const order = this.current.conversation.ids;
    const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
    return [...this.current.results.values()].sort((left, right) => rank(left.deployment) - rank(right.deployment));
  }
}
