/** Helpers for suites inside the extension host. */
import * as vscode from 'vscode';
import type { FanoutApi } from '../../src/extension';

export const EXTENSION_ID = 'fanout.fanout';

export async function activated(): Promise<{ extension: vscode.Extension<FanoutApi>; api: FanoutApi }> {
  const extension = vscode.extensions.getExtension<FanoutApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  const api = await extension.activate();
  return { extension, api };
}

export async function setDeployments(value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update('fanout.deployments', value, vscode.ConfigurationTarget.Global);
}

export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
