/** Saved deployment sets ("eu-only", "cheap ones"): named lists of deployment ids, kept in the global state. */
import type * as vscode from 'vscode';

const SETS_KEY = 'fanout.deploymentSets';

export class DeploymentSets {
  constructor(private readonly globalState: vscode.Memento) {}

  all(): Record<string, string[]> {
    return this.globalState.get<Record<string, string[]>>(SETS_KEY, {});
  }

  /** Saves (or replaces) one set; returns every set. */
  async save(name: string, deploymentIds: string[]): Promise<Record<string, string[]>> {
    const sets = { ...this.all(), [name]: deploymentIds };
    await this.globalState.update(SETS_KEY, sets);
    return sets;
  }

  /** Deletes one set; returns the rest. */
  async delete(name: string): Promise<Record<string, string[]>> {
    const sets = { ...this.all() };
    delete sets[name];
    await this.globalState.update(SETS_KEY, sets);
    return sets;
  }
}
