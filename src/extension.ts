/** activate(): builds the services and registers them. Loads no provider SDK: those load on first use. */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { HistoryStore } from './core/history';
import { Redactor } from './core/redact';
import { ApiKeyStore } from './vscode/apiKeyStore';
import { registerCommands } from './vscode/commands';
import { ExtensionCredentials } from './vscode/credentials';
import { DeploymentSettings } from './vscode/deploymentSettings';
import { Log } from './vscode/log';
import { OutputDocuments } from './vscode/outputDocuments';
import { Playground } from './vscode/playground';

const loadedAt = performance.now();

export interface FanoutApi {
  /** Milliseconds spent inside activate(). */
  readonly activationMs: number;
  /** Milliseconds from this module's evaluation to the end of activate(): includes the host's own context setup. */
  readonly sinceLoadMs: number;
  readonly settings: DeploymentSettings;
  readonly log: Log;
  readonly playground: Playground;
  readonly history: HistoryStore;
  /** Everything Fanout keeps in the editor's global and workspace state (no secret is ever there). */
  storage(): { global: Record<string, unknown>; workspace: Record<string, unknown> };
}

export function activate(context: vscode.ExtensionContext): FanoutApi {
  const started = performance.now();
  const redactor = new Redactor();
  const log = new Log(redactor);
  const settings = new DeploymentSettings(log);
  const keys = new ApiKeyStore(context.secrets, redactor);
  const credentials = new ExtensionCredentials(keys, redactor, { sourceOf: (id) => settings.sourceOf(id), isTrusted: () => vscode.workspace.isTrusted });
  const config = () => vscode.workspace.getConfiguration('fanout');
  const history = new HistoryStore(join(context.globalStorageUri.fsPath, 'history.jsonl'), {
    maxEntries: Math.max(1, config().get<number>('history.maxEntries', 200)),
    redact: (text) => redactor.redact(text),
  });
  const outputs = new OutputDocuments();
  const playground = new Playground({
    extensionUri: context.extensionUri, settings, credentials, history, outputs, log, globalState: context.globalState,
    historyEnabled: () => config().get<boolean>('history.enabled', true),
    redact: (text) => redactor.redact(text),
  });
  context.subscriptions.push(log, settings, keys, outputs, playground, ...registerCommands({ settings, keys, credentials, log, playground }));
  void settings.reportProblems();
  const activationMs = performance.now() - started;
  const sinceLoadMs = performance.now() - loadedAt;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${sinceLoadMs.toFixed(1)} ms since the module loaded; ${settings.deployments.length} deployments)`);
  const dump = (memento: vscode.Memento) => Object.fromEntries(memento.keys().map((key) => [key, memento.get(key)]));
  return { activationMs, sinceLoadMs, settings, log, playground, history, storage: () => ({ global: dump(context.globalState), workspace: dump(context.workspaceState) }) };
}

export function deactivate(): void {}
