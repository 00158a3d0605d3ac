/** The fix a failed column offers, chosen from why it failed and where its credential comes from, and carrying it out. */
import * as vscode from 'vscode';
import type { Deployment } from '../../core/config/deployment';
import type { DeploymentResult } from '../../core/engine/fanout';
import type { ColumnAction } from '../../protocol';
import { signInCommandOf, signsInWithoutKey, usesEntra } from '../../providers/credentialSources';
import { COGNITIVE_SERVICES_SCOPE, entraProviderId } from '../credentials/credentials';
import type { PlaygroundServices } from './playgroundServices';

export function actionsFor(result: DeploymentResult, deployment: Deployment | undefined): ColumnAction[] {
  if (!result.error) return [];
  const retry: ColumnAction = { action: 'retry', label: 'Retry' };
  switch (result.error.kind) {
    case 'auth':
      if (deployment && usesEntra(deployment)) return [{ action: 'signIn', label: 'Sign in' }, retry];
      if (deployment && repairCommand(deployment, result.error.message)) return [{ action: 'repair', label: `Run ${repairCommand(deployment, result.error.message)}` }, retry];
      if (deployment && signsInWithoutKey(deployment)) return [{ action: 'showLog', label: 'Show details' }, retry];
      return [{ action: 'setApiKey', label: 'Set API key' }, retry];
    case 'permission':
    case 'not_found':
    case 'bad_request':
    case 'context_length':
      return [{ action: 'openSettings', label: 'Open settings' }, retry];
    case 'cancelled':
      return [{ action: 'retry', label: 'Run again' }];
    default:
      return [retry, { action: 'showLog', label: 'Show log' }];
  }
}

/**
 * The sign-in command that repairs an expired or missing sign-in, built from the deployment's own validated
 * fields (a profile name matches /^[A-Za-z0-9._@+=,-]+$/), never from text the webview sent.
 */
export function repairCommand(deployment: Deployment, message: string): string | null {
  const command = signInCommandOf(deployment);
  return command && message.includes(command.replace(/ --profile .*$/, '')) ? command : null;
}

/** Opens a terminal with the repair command typed, for the user to run (a sign-in needs their browser and their say-so). */
export function repairSignIn(deployment: Deployment): void {
  const command = signInCommandOf(deployment);
  if (!command) return;
  const terminal = vscode.window.createTerminal({ name: `Fanout: sign in (${deployment.id})` });
  terminal.show();
  terminal.sendText(command, false);
}

/** Carries out the fix a column offered (Retry is a re-run, not a fix: the run controller does it). */
export async function applyFix(action: Exclude<ColumnAction['action'], 'retry'>, deploymentId: string, services: Pick<PlaygroundServices, 'settings' | 'log'>, notify: (text: string) => void): Promise<void> {
  switch (action) {
    case 'repair': {
      const deployment = services.settings.deployments.find((candidate) => candidate.id === deploymentId);
      if (deployment) repairSignIn(deployment);
      return;
    }
    case 'setApiKey':
      if (await vscode.commands.executeCommand<boolean>('fanout.setApiKey', deploymentId)) notify(`Key saved. Press Retry on ${deploymentId} to run it again.`);
      return;
    case 'signIn':
      await vscode.authentication.getSession(entraProviderId(), [COGNITIVE_SERVICES_SCOPE], { createIfNone: true });
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('fanout.editDeployments');
      return;
    case 'showLog':
      services.log.show();
      return;
  }
}
