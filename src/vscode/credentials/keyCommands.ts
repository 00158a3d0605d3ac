/** "Set API Key" and "Remove API Key": a key is saved for a deployment's origin, in SecretStorage only. */
import * as vscode from 'vscode';
import { checkApiKeyText } from '../../core/config/inputChecks';
import { deploymentOrigin, providerLabel, type Deployment } from '../../core/config/deployment';
import { keySourceOf } from '../../providers/credentialSources';
import { descriptorOf } from '../../providers/registry';
import type { ApiKeyStore } from './apiKeyStore';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import type { Log } from '../platform/log';

const takesKey = (deployment: Deployment): boolean => keySourceOf(deployment) !== undefined;

async function pickByOrigin(settings: DeploymentSettings, title: string, deploymentId?: string): Promise<Deployment | undefined> {
  const candidates = settings.deployments.filter(takesKey);
  if (deploymentId) return candidates.find((deployment) => deployment.id === deploymentId);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Fanout: no deployment in your settings takes an API key.');
    return undefined;
  }
  // one entry per origin and provider: a key belongs to where it is sent, not to a deployment's name
  const byOrigin = new Map<string, Deployment[]>();
  for (const deployment of candidates) {
    const key = `${deployment.provider} ${deploymentOrigin(deployment)}`;
    byOrigin.set(key, [...(byOrigin.get(key) ?? []), deployment]);
  }
  const items = [...byOrigin.values()].map((group) => ({
    label: deploymentOrigin(group[0]!),
    description: providerLabel(group[0]!.provider),
    detail: `Used by ${group.map((deployment) => deployment.id).join(', ')}`,
    deployment: group[0]!,
  }));
  const chosen = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title, placeHolder: 'The key is saved for this address and sent nowhere else' });
  return chosen?.deployment;
}

export async function setApiKey(settings: DeploymentSettings, keys: ApiKeyStore, log: Log, deploymentId?: string, given?: string): Promise<boolean> {
  const deployment = await pickByOrigin(settings, 'Fanout: Set API Key', deploymentId);
  if (!deployment) return false;
  const origin = deploymentOrigin(deployment);
  const where = descriptorOf(deployment.provider).keyPage;
  const validate = checkApiKeyText;
  if (given !== undefined && validate(given)) {
    void vscode.window.showErrorMessage(`Fanout: that key was not saved — ${validate(given)}.`);
    return false;
  }
  const value = given ?? await vscode.window.showInputBox({
    title: `API key for ${origin}`,
    prompt: `${providerLabel(deployment.provider)} — saved in the editor's secret storage, sent only to ${origin}.${where ? ` Make one at ${where}.` : ''}`,
    password: true,
    ignoreFocusOut: true,
    validateInput: validate,
  });
  if (!value) return false;
  await keys.set(deployment, value.trim());
  log.info(`saved an API key for ${deployment.provider} at ${origin}`);
  void vscode.window.showInformationMessage(`Fanout: saved the ${providerLabel(deployment.provider)} key for ${origin}.`);
  return true;
}

export async function removeApiKey(settings: DeploymentSettings, keys: ApiKeyStore, log: Log, deploymentId?: string): Promise<boolean> {
  const deployment = await pickByOrigin(settings, 'Fanout: Remove API Key', deploymentId);
  if (!deployment) return false;
  await keys.delete(deployment);
  log.info(`removed the API key for ${deployment.provider} at ${deploymentOrigin(deployment)}`);
  void vscode.window.showInformationMessage(`Fanout: removed the ${providerLabel(deployment.provider)} key for ${deploymentOrigin(deployment)}.`);
  return true;
}
