/** activate(): builds the services and registers them. Loads no provider SDK: those load on first use. */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { DeploymentResult } from './core/engine/fanout';
import { HistoryStore } from './core/storage/history';
import { SpendLedger } from './core/storage/ledger';
import { Redactor } from './core/security/redact';
import { ApiKeyStore } from './vscode/credentials/apiKeyStore';
import { registerCommands } from './vscode/commands';
import { ExtensionCredentials } from './vscode/credentials/credentials';
import { DeploymentSettings } from './vscode/deployments/deploymentSettings';
import { Log } from './vscode/platform/log';
import { OutputDocuments } from './vscode/playground/outputDocuments';
import { Playground } from './vscode/playground/playground';
import { ActiveDeployment } from './vscode/deployments/activeDeployment';
import { SpendStatus } from './vscode/spend/spendStatus';
import { CHAT_VENDOR, ChatModels } from './vscode/chat/chatModels';
import { PromptFiles } from './vscode/editor/promptFiles';
import { checkSettingsWith, setting } from './vscode/platform/settingReader';
import { EditorTelemetry } from './vscode/telemetry/editorTelemetry';
import { FallbackDrill } from './vscode/fallbacks/fallbackChains';
import { Evaluations } from './vscode/evaluation/evaluations';
import { closeConnections } from './providers/registry';

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
  readonly ledger: SpendLedger;
  readonly status: SpendStatus;
  readonly active: ActiveDeployment;
  readonly drill: FallbackDrill;
  readonly evaluations: Evaluations;
  /** Everything Fanout keeps in the editor's global and workspace state (no secret is ever there). */
  storage(): { global: Record<string, unknown>; workspace: Record<string, unknown> };
}

export function activate(context: vscode.ExtensionContext): FanoutApi {
  const started = performance.now();
  const redactor = new Redactor();
  const log = new Log(redactor);
  checkSettingsWith(context.extension.packageJSON, (problem, name) => {
    log.warn(problem);
    void vscode.window.showWarningMessage(`Fanout: ${problem}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: name, edit: true } });
    });
  });
  const settings = new DeploymentSettings(log);
  const keys = new ApiKeyStore(context.secrets, redactor);
  const credentials = new ExtensionCredentials(keys, redactor, { sourceOf: (id) => settings.sourceOf(id), isTrusted: () => vscode.workspace.isTrusted });
  const history = new HistoryStore(join(context.globalStorageUri.fsPath, 'history.jsonl'), {
    maxEntries: setting<number>('history.maxEntries'),
    redact: (text) => redactor.redact(text),
  });
  const outputs = new OutputDocuments();
  const ledger = new SpendLedger(join(context.globalStorageUri.fsPath, 'spend.jsonl'));
  const authFailures = new Map<string, string>();
  // status is created below; results recorded before it exists only wait for its first refresh
  let status: SpendStatus | undefined;
  const onResults = async (runId: string, results: readonly DeploymentResult[], source: string): Promise<void> => {
    for (const result of results) {
      if (result.error?.kind === 'auth') authFailures.set(result.deployment, result.error.message);
      else if (result.status === 'ok') authFailures.delete(result.deployment);
    }
    try {
      await ledger.recordResults(runId, results, source);
    } catch (error) {
      log.error(`spend: could not record: ${(error as Error).message}`);
    }
    await status?.refresh();
  };
  const playground = new Playground({
    extensionUri: context.extensionUri, settings, credentials, history, outputs, log, globalState: context.globalState,
    historyEnabled: () => setting<boolean>('history.enabled'),
    redact: (text) => redactor.redact(text),
    onResults,
  });
  const telemetry = new EditorTelemetry(context.secrets, log);
  const onAnswer = (deployment: string, fallback: string | null): void => void status?.noteAnswer(deployment, fallback);
  const active = new ActiveDeployment({ settings, keys, credentials, ledger, globalState: context.globalState, playground, log, authFailures, onSpend: () => void status?.refresh(), telemetry, onAnswer });
  status = new SpendStatus(ledger, () => active.id, context.globalState, log, context.globalStorageUri);
  active.onDidChange(() => void status?.refresh());
  settings.onDidChange(() => void status?.refresh());
  void status.refresh();
  const chatModels = new ChatModels(settings, keys, credentials, onResults, telemetry, onAnswer);
  const drill = new FallbackDrill(settings, credentials, log);
  // VS Code builds without the language model API (older or trimmed ones) simply get no chat models
  if (typeof vscode.lm?.registerLanguageModelChatProvider === 'function') context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(CHAT_VENDOR, chatModels));
  const promptFiles = new PromptFiles(settings, active, playground);
  const evaluations = new Evaluations({ extensionUri: context.extensionUri, settings, credentials, ledger, log, onSpend: async () => status?.refresh(), isTrusted: () => vscode.workspace.isTrusted });
  context.subscriptions.push(log, settings, keys, outputs, playground, active, status, chatModels, promptFiles, telemetry, drill, evaluations,
    ...registerCommands({ settings, keys, credentials, log, playground, active, ledger, status, onResults }));
  void settings.reportProblems();
  const activationMs = performance.now() - started;
  const sinceLoadMs = performance.now() - loadedAt;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${sinceLoadMs.toFixed(1)} ms since the module loaded; ${settings.deployments.length} deployments)`);
  const dump = (memento: vscode.Memento) => Object.fromEntries(memento.keys().map((key) => [key, memento.get(key)]));
  return { activationMs, sinceLoadMs, settings, log, playground, history, ledger, status, active, drill, evaluations, storage: () => ({ global: dump(context.globalState), workspace: dump(context.workspaceState) }) };
}

/** The SDK clients kept across runs close their connections. */
export function deactivate(): void {
  closeConnections();
}
