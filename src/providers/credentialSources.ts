/**
 * What the credential sources of a deployment mean for the places that show or repair them: whether it takes a key,
 * which sign-in command repairs it, whose sign-in it sends. Pure; both hosts use it.
 */
import type { CredentialSource } from './descriptor';
import { credentialSources, type Deployment } from './registry';

export type KeySource = Extract<CredentialSource, { type: 'key' }>;

/** The key source of a deployment, when a saved key is one of its credentials. */
export function keySourceOf(deployment: Deployment): KeySource | undefined {
  return credentialSources(deployment).find((source): source is KeySource => source.type === 'key');
}

/** Whether a key must be saved for the deployment to run: a key is its first source and nothing the user named stands in. */
export function needsKey(deployment: Deployment): boolean {
  const [first, ...rest] = credentialSources(deployment);
  return first?.type === 'key' && !rest.some((source) => source.type === 'none' || (source.type === 'aws' && source.profile));
}

/** The command that repairs an expired or missing sign-in, built from validated config (a profile name matches /^[A-Za-z0-9._@+=,-]+$/). */
export function signInCommandOf(deployment: Deployment): string | null {
  for (const source of credentialSources(deployment)) {
    if (source.type === 'aws' && source.profile) return `aws sso login --profile ${source.profile}`;
    if (source.type === 'google-adc') return 'gcloud auth application-default login';
  }
  return null;
}

/** Whose sign-in the deployment sends (an AWS or Google identity the user owns), if any. */
export function signInOwnerOf(deployment: Deployment): 'AWS' | 'Google' | null {
  const sources = credentialSources(deployment);
  if (sources.some((source) => source.type === 'aws')) return 'AWS';
  if (sources.some((source) => source.type === 'google-adc')) return 'Google';
  return null;
}

/** Whether the deployment signs in with the user's Microsoft account (VS Code's sign-in). */
export const usesEntra = (deployment: Deployment): boolean => credentialSources(deployment).some((source) => source.type === 'entra');

/** Whether its credential is the user's own sign-in or profile rather than a key (a failed one shows details, not "Set API key"). */
export function signsInWithoutKey(deployment: Deployment): boolean {
  const sources = credentialSources(deployment);
  return !sources.some((source) => source.type === 'key') || sources.some((source) => source.type === 'aws' && source.profile);
}
