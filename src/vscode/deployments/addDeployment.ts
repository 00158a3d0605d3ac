/**
 * "Fanout: Add Deployment": asks only what the chosen provider needs, checks each answer as it is typed, offers
 * what it can find (AWS profiles with SSO marked, regions, locations), and appends the deployment to the user's
 * settings. The secret is never part of it: a key is asked for afterwards and goes to the secret store.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseAwsProfiles, type AwsProfile } from '../../providers/bedrock/awsProfiles';
import { PROVIDERS, formatIssue, parseDeployments, providerLabel, type Deployment, type ProviderKind } from '../../core/config/deployment';
import { checkDeploymentField } from '../../core/config/inputChecks';
import type { DeploymentSettings } from './deploymentSettings';

const PROVIDER_HELP: Record<ProviderKind, string> = {
  openai: 'api.openai.com, with an API key',
  'openai-compatible': 'Ollama, vLLM, LM Studio, OpenRouter, Groq… any OpenAI-style server',
  'azure-openai': 'your Azure resource, with a key or your Microsoft sign-in',
  bedrock: 'Amazon Bedrock, with your AWS profile (SSO too) or a Bedrock API key',
  vertex: 'Gemini on Vertex AI, with your Google sign-in',
  gemini: 'the Gemini API, with an API key',
};

const MODELS: Record<ProviderKind, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini'],
  'openai-compatible': ['llama3.2', 'qwen2.5', 'mistral'],
  'azure-openai': ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'o4-mini'],
  bedrock: ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-3-70b-instruct-v1:0'],
  vertex: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash', 'gemini-2.5-flash-lite'],
  gemini: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash', 'gemini-2.5-flash-lite'],
};

const AWS_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'ap-northeast-1', 'ap-south-1', 'ap-southeast-2', 'sa-east-1'];
const VERTEX_LOCATIONS = ['us-central1', 'us-east4', 'us-west1', 'europe-west1', 'europe-west4', 'asia-northeast1', 'global'];
const KIND_LABEL: Record<AwsProfile['kind'], string> = { sso: 'SSO', keys: 'access keys', role: 'assumes a role', process: 'credential process', other: '' };

/** Validates one field by validating a whole candidate deployment: the same rules as settings and the CLI. */
function fieldCheck(base: Record<string, unknown>, field: string) {
  return (value: string): string | undefined => checkDeploymentField(base, field, value);
}

async function input(title: string, prompt: string, value: string, validate: (text: string) => string | undefined, placeHolder?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: (text) => validate(text.trim()), ...(placeHolder ? { placeHolder } : {}) }).then((text) => text?.trim());
}

async function pickOrType(title: string, options: string[], typePrompt: string, validate: (text: string) => string | undefined): Promise<string | undefined> {
  const other = '$(edit) Another…';
  const picked = await vscode.window.showQuickPick([...options, other], { title, ignoreFocusOut: true });
  if (picked !== other) return picked;
  return input(title, typePrompt, '', validate);
}

export async function discoverAwsProfiles(): Promise<AwsProfile[]> {
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');
  const home = homedir();
  const [config, credentials] = await Promise.all([
    read(process.env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')),
    read(process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials')),
  ]);
  return parseAwsProfiles(config, credentials);
}

/** Runs the guided flow, or (with `given`) checks and adds a deployment without asking. Returns its id. */
export async function addDeployment(settings: DeploymentSettings, given?: unknown): Promise<string | undefined> {
  const deployment = given === undefined ? await ask(settings) : given;
  if (deployment === undefined) return undefined;
  const checked = parseDeployments([...settings.deployments.filter((d) => settings.sourceOf(d.id) === 'user'), deployment]);
  if (!checked.ok) {
    void vscode.window.showErrorMessage(`Fanout: the deployment was not added — ${formatIssue(checked.issues[0]!)}`);
    return undefined;
  }
  const added = checked.deployments.at(-1)!;
  const config = vscode.workspace.getConfiguration();
  const current = config.inspect<unknown[]>('fanout.deployments')?.globalValue ?? [];
  await config.update('fanout.deployments', [...current, added], vscode.ConfigurationTarget.Global);
  return added.id;
}

async function ask(settings: DeploymentSettings): Promise<Deployment | undefined> {
  const providerPick = await vscode.window.showQuickPick(PROVIDERS.map((provider) => ({ label: providerLabel(provider), description: PROVIDER_HELP[provider], provider })), {
    title: 'Fanout: Add Deployment (1/4) — which cloud?', ignoreFocusOut: true,
  });
  if (!providerPick) return undefined;
  const provider = providerPick.provider;
  const title = (step: string) => `Add ${providerLabel(provider)} deployment — ${step}`;
  const taken = new Set(settings.deployments.map((d) => d.id));
  const base: Record<string, unknown> = { id: 'x', provider, model: 'm' };
  const model = await pickOrType(title('model'), MODELS[provider], 'The model id, as the cloud names it', fieldCheck(base, 'model'));
  if (!model) return undefined;
  const suggestedId = `${provider === 'openai-compatible' ? 'local' : provider}-${model.split(/[.:/]/).filter(Boolean).slice(provider === 'bedrock' ? 1 : 0).join('-').replace(/[^A-Za-z0-9-]/g, '').slice(0, 28)}`;
  const id = await input(title('name'), 'A short unique name, shown as the column title', taken.has(suggestedId) ? `${suggestedId}-2` : suggestedId,
    (text) => (taken.has(text) ? `"${text}" is already used` : fieldCheck(base, 'id')(text)));
  if (!id) return undefined;
  const entry: Record<string, unknown> = { id, provider, model };
  switch (provider) {
    case 'openai-compatible': {
      const baseUrl = await input(title('address'), 'The API root of the server', 'http://localhost:11434/v1', fieldCheck(entry, 'baseUrl'));
      if (!baseUrl) return undefined;
      entry.baseUrl = baseUrl;
      break;
    }
    case 'azure-openai': {
      const endpoint = await input(title('resource'), 'Your resource URL, from the Azure portal (Keys and Endpoint)', 'https://', fieldCheck({ ...entry }, 'endpoint'), 'https://my-resource.openai.azure.com');
      if (!endpoint) return undefined;
      const name = await input(title('deployment'), 'The deployment name in Azure AI Foundry / the portal', model, fieldCheck({ ...entry, endpoint }, 'deployment'));
      if (!name) return undefined;
      const auth = await vscode.window.showQuickPick([
        { label: 'API key', description: 'saved in the editor\'s secret storage', value: 'key' },
        { label: 'Microsoft Entra ID', description: 'your Microsoft sign-in in VS Code', value: 'entra' },
      ], { title: title('sign-in'), ignoreFocusOut: true });
      if (!auth) return undefined;
      Object.assign(entry, { endpoint, deployment: name, auth: auth.value });
      break;
    }
    case 'bedrock': {
      const profiles = await discoverAwsProfiles();
      const region = await pickOrType(title('region'), [...new Set([...profiles.map((p) => p.region).filter((r): r is string => !!r), ...AWS_REGIONS])], 'The AWS region, e.g. us-east-1', fieldCheck(entry, 'region'));
      if (!region) return undefined;
      const credential = await vscode.window.showQuickPick([
        ...profiles.map((profile) => ({ label: `$(account) ${profile.name}`, description: [KIND_LABEL[profile.kind], profile.region].filter(Boolean).join(' · '), profile: profile.name })),
        { label: '$(key) Bedrock API key', description: 'saved in the editor\'s secret storage', profile: '' },
        { label: '$(globe) Default credential chain', description: 'environment, default profile, SSO, instance role', profile: undefined as string | undefined },
      ], { title: title(`credentials (${profiles.length} AWS profile${profiles.length === 1 ? '' : 's'} found)`), ignoreFocusOut: true });
      if (!credential) return undefined;
      entry.region = region;
      if (credential.profile) entry.profile = credential.profile;
      break;
    }
    case 'vertex': {
      const project = await input(title('project'), 'The Google Cloud project id', '', fieldCheck(entry, 'project'), 'my-project-123');
      if (!project) return undefined;
      const location = await pickOrType(title('location'), VERTEX_LOCATIONS, 'The Vertex AI location', fieldCheck({ ...entry, project }, 'location'));
      if (!location) return undefined;
      Object.assign(entry, { project, location });
      break;
    }
    default:
      break;
  }
  return entry as Deployment;
}
