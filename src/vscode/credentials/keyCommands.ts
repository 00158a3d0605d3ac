/** "Set API Key" and "Remove API Key": a key is saved for a deployment's origin, in SecretStorage only. */
import * as vscode from 'vscode';
import { checkApiKeyText } from '../../core/config/inputChecks';
import { deploymentOrigin, providerLabel, type Deployment } from '../../core/config/deployment';
import type { ApiKeyStore } from './apiKeyStore';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import type { Log } from '../platform/log';

/** Where a person makes a key for each provider, linked from the input box. */
const KEY_PAGES: Partial<Record<Deployment['provider'], string>> = {
  openai: 'https://platform.openai.com/api-keys',
  'azure-openai': 'the Azure portal: your resource → Keys and Endpoint',
  bedrock: 'the Amazon Bedrock console → API keys (or use an AWS profile instead)',
  gemini: 'https://aistudio.google.com/apikey',
};

const takesKey = (deployment: Deployment): boolean => deployment.provider !== 'vertex' && !(deployment.provider === 'azure-openai' && deployment.auth === 'entra');

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
  const where = KEY_PAGES[deployment.provider];
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
