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
import { PROVIDERS, formatIssue, parseDeployments, providerLabel, type Deployment } from '../../core/config/deployment';
import { idFrom, type SetupStep } from '../../providers/descriptor';
import { credentialSources, descriptorOf } from '../../providers/registry';
import { checkDeploymentField } from '../../core/config/inputChecks';
import type { DeploymentSettings } from './deploymentSettings';

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
  const providerPick = await vscode.window.showQuickPick(PROVIDERS.map((provider) => ({ label: providerLabel(provider), description: descriptorOf(provider).summary, provider })), {
    title: 'Fanout: Add Deployment (1/4) — which cloud?', ignoreFocusOut: true,
  });
  if (!providerPick) return undefined;
  const provider = providerPick.provider;
  const descriptor = descriptorOf(provider);
  const title = (step: string) => `Add ${providerLabel(provider)} deployment — ${step}`;
  const taken = new Set(settings.deployments.map((d) => d.id));
  const base: Record<string, unknown> = { id: 'x', provider, model: 'm' };
  const model = await pickOrType(title('model'), [...descriptor.exampleModels], 'The model id, as the cloud names it', fieldCheck(base, 'model'));
  if (!model) return undefined;
  const suggestedId = descriptor.suggestId?.(model) ?? idFrom(provider, model);
  const id = await input(title('name'), 'A short unique name, shown as the column title', taken.has(suggestedId) ? `${suggestedId}-2` : suggestedId,
    (text) => (taken.has(text) ? `"${text}" is already used` : fieldCheck(base, 'id')(text)));
  if (!id) return undefined;
  const entry: Record<string, unknown> = { id, provider, model };
  // a cloud that signs in with an AWS profile: offer the user's profiles, and their regions first
  const signsInWithAws = credentialSources({ ...entry, region: 'us-east-1' } as Deployment).some((source) => source.type === 'aws');
  const profiles = signsInWithAws ? await discoverAwsProfiles() : [];
  for (const step of descriptor.setup) {
    const value = await askStep(step, entry, title, profiles);
    if (value === undefined) return undefined;
    entry[step.field] = value;
  }
  if (signsInWithAws) {
    const credential = await vscode.window.showQuickPick([
      ...profiles.map((profile) => ({ label: `$(account) ${profile.name}`, description: [KIND_LABEL[profile.kind], profile.region].filter(Boolean).join(' · '), profile: profile.name })),
      { label: '$(key) Bedrock API key', description: 'saved in the editor\'s secret storage', profile: '' },
      { label: '$(globe) Default credential chain', description: 'environment, default profile, SSO, instance role', profile: undefined as string | undefined },
    ], { title: title(`credentials (${profiles.length} AWS profile${profiles.length === 1 ? '' : 's'} found)`), ignoreFocusOut: true });
    if (!credential) return undefined;
    if (credential.profile) entry.profile = credential.profile;
  }
  return entry as Deployment;
}

/** Asks one provider-specific field, checked as it is typed against the same rules as settings and the CLI. */
async function askStep(step: SetupStep, entry: Record<string, unknown>, title: (step: string) => string, profiles: AwsProfile[]): Promise<string | undefined> {
  const check = fieldCheck({ ...entry }, step.field);
  if (step.kind === 'text') {
    const value = (step.value ?? '').replace('{model}', String(entry.model));
    return input(title(step.field), step.prompt, value, check, step.placeholder);
  }
  const fromProfiles = step.field === 'region' ? profiles.map((profile) => profile.region).filter((region): region is string => !!region) : [];
  const options = step.options.map((option) => (typeof option === 'string' ? { label: option, description: '', value: option } : option));
  const choices = [...new Map([...fromProfiles.map((region) => ({ label: region, description: 'from your AWS profiles', value: region })), ...options].map((option) => [option.value, option])).values()];
  if (step.other) return pickOrType(title(step.field), choices.map((choice) => choice.value), step.prompt, check);
  const picked = await vscode.window.showQuickPick(choices, { title: title(step.prompt), ignoreFocusOut: true });
  return picked?.value;
}
