/** The palette commands. Every id here is contributed in package.json under the "Fanout" category. */
import { needsKey } from '../providers/credentialSources';
import * as vscode from 'vscode';
import { formatIssue } from '../core/config/deployment';
import type { ApiKeyStore } from './credentials/apiKeyStore';
import { compareCommand } from './editor/compareCommand';
import type { ExtensionCredentials } from './credentials/credentials';
import type { DeploymentSettings } from './deployments/deploymentSettings';
import { removeApiKey, setApiKey } from './credentials/keyCommands';
import { testConnection } from './deployments/testConnection';
import { addDeployment } from './deployments/addDeployment';
import type { Log } from './platform/log';
import type { Playground } from './playground/playground';
import type { ActiveDeployment } from './deployments/activeDeployment';
import type { DeploymentResult } from '../core/engine/fanout';
import type { SpendLedger } from '../core/storage/ledger';
import type { SpendStatus } from './spend/spendStatus';
import { showSpend } from './spend/spendReport';

export interface CommandServices {
  settings: DeploymentSettings;
  keys: ApiKeyStore;
  credentials: ExtensionCredentials;
  log: Log;
  playground: Playground;
  active: ActiveDeployment;
  ledger: SpendLedger;
  status: SpendStatus;
  onResults: (runId: string, results: readonly DeploymentResult[], source: string) => Promise<void>;
}

export const COMMANDS = {
  openPlayground: 'fanout.openPlayground',
  clearHistory: 'fanout.clearHistory',
  testConnection: 'fanout.testConnection',
  addDeployment: 'fanout.addDeployment',
  switchDeployment: 'fanout.switchDeployment',
  switchDeploymentSet: 'fanout.switchDeploymentSet',
  showSpend: 'fanout.showSpend',
  resetSpend: 'fanout.resetSpend',
  runSelection: 'fanout.runSelection',
  compareSelection: 'fanout.compareSelection',
  compare: 'fanout.compare',
  checkDeployments: 'fanout.checkDeployments',
  editDeployments: 'fanout.editDeployments',
  setApiKey: 'fanout.setApiKey',
  removeApiKey: 'fanout.removeApiKey',
  showLog: 'fanout.showLog',
} as const;

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { settings, keys, log, playground, active, ledger, status } = services;
  return [
    // (deploymentId): switch without asking
    vscode.commands.registerCommand(COMMANDS.switchDeployment, async (id?: unknown) => {
      if (typeof id === 'string' && settings.deployments.some((deployment) => deployment.id === id)) {
        await active.set(id);
        return id;
      }
      return active.pick();
    }),
    vscode.commands.registerCommand(COMMANDS.switchDeploymentSet, () => active.pickSet()),
    vscode.commands.registerCommand(COMMANDS.showSpend, () => showSpend(ledger)),
    vscode.commands.registerCommand(COMMANDS.resetSpend, async () => {
      const choice = await vscode.window.showWarningMessage('Fanout: forget everything spent so far (the ledger in every window)?', { modal: true }, 'Reset');
      if (choice !== 'Reset') return false;
      await ledger.clear();
      await status.refresh();
      log.info('spend ledger reset');
      return true;
    }),
    vscode.commands.registerCommand(COMMANDS.runSelection, () => active.runSelection()),
    vscode.commands.registerCommand(COMMANDS.compareSelection, () => active.compareSelection()),
    vscode.commands.registerCommand(COMMANDS.openPlayground, () => {
      playground.open();
    }),
    vscode.commands.registerCommand(COMMANDS.clearHistory, () => playground.clearHistory()),
    // (deployment): add a given deployment without asking
    vscode.commands.registerCommand(COMMANDS.addDeployment, async (given?: unknown) => {
      const id = await addDeployment(settings, given);
      if (!id || given !== undefined) return id;
      await until(() => settings.deployments.some((deployment) => deployment.id === id));
      const deployment = settings.deployments.find((candidate) => candidate.id === id);
      const offerKey = deployment && needsKey(deployment);
      const next = await vscode.window.showInformationMessage(`Fanout: added "${id}".`, ...(offerKey ? ['Set API Key'] : []), 'Test Connection');
      if (next === 'Set API Key') await setApiKey(settings, keys, log, id);
      if (next === 'Test Connection' || next === 'Set API Key') await testConnection(settings, services.credentials, log, id, services.onResults);
      return id;
    }),
    // (deploymentId | 'all'): test without asking which
    vscode.commands.registerCommand(COMMANDS.testConnection, (target?: unknown) => testConnection(settings, services.credentials, log, typeof target === 'string' ? target : undefined, services.onResults)),
    // arguments let other extensions and tests drive the commands: (prompt, deploymentIds)
    vscode.commands.registerCommand(COMMANDS.compare, (prompt?: unknown, deploymentIds?: unknown) =>
      compareCommand(services, typeof prompt === 'string' ? prompt : undefined, Array.isArray(deploymentIds) ? deploymentIds.filter((id): id is string => typeof id === 'string') : undefined)),
    vscode.commands.registerCommand(COMMANDS.checkDeployments, async () => {
      if (settings.issues.length) {
        const items = settings.issues.map((issue) => ({ label: `$(warning) ${issue.path}`, detail: issue.message }));
        log.info(`check: ${settings.issues.map(formatIssue).join(' | ')}`);
        // the list stays open for the user; the command itself answers at once with the number of problems
        void vscode.window.showQuickPick(items, { title: `Fanout: ${settings.issues.length} problem(s) in fanout.deployments`, placeHolder: 'Pick one to open the setting' })
          .then((chosen) => (chosen ? vscode.commands.executeCommand(COMMANDS.editDeployments) : undefined));
        return settings.issues.length;
      }
      void vscode.window.showInformationMessage(settings.deployments.length
        ? `Fanout: all ${settings.deployments.length} deployments are valid (${settings.deployments.map((d) => d.id).join(', ')}).`
        : 'Fanout: no deployments yet. Add them to the "fanout.deployments" setting.');
      return 0;
    }),
    vscode.commands.registerCommand(COMMANDS.editDeployments, () =>
      vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'fanout.deployments', edit: true } })),
    // (deploymentId, key): a key given as an argument is saved without asking; it is never returned by any command
    vscode.commands.registerCommand(COMMANDS.setApiKey, (deploymentId?: unknown, key?: unknown) =>
      setApiKey(settings, keys, log, typeof deploymentId === 'string' ? deploymentId : undefined, typeof key === 'string' ? key : undefined)),
    vscode.commands.registerCommand(COMMANDS.removeApiKey, (deploymentId?: unknown) => removeApiKey(settings, keys, log, typeof deploymentId === 'string' ? deploymentId : undefined)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
  ];
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition() && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
}
