/**
 * Where the editor gets each deployment's credential: keys from SecretStorage bound to the deployment's
 * origin, Microsoft Entra ID through VS Code's own Microsoft sign-in, AWS profiles (SSO included), Google
 * Application Default Credentials. Never a key from a setting or the environment. Every secret it hands out
 * is remembered by the redactor first.
 */
import * as vscode from 'vscode';
import { secretsOf, type Credential, type CredentialResolver, type CredentialResult } from '../../core/security/credential';
import { deploymentOrigin, type Deployment } from '../../core/config/deployment';
import { credentialSources } from '../../providers/registry';
import type { Redactor } from '../../core/security/redact';
import { setting } from '../platform/settingReader';
import { providerError } from '../../core/request/stream';
import { refusal, type DeploymentSource } from '../../core/security/trust';
import type { ApiKeyStore } from './apiKeyStore';

export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** The VS Code sign-in used for Azure OpenAI's Entra ID (`fanout.azure.authenticationProvider`). */
export function entraProviderId(): string {
  return setting<string>('azure.authenticationProvider');
}

export interface TrustContext {
  sourceOf(id: string): DeploymentSource;
  isTrusted(): boolean;
}

export class ExtensionCredentials implements CredentialResolver {
  constructor(private readonly keys: ApiKeyStore, private readonly redactor: Redactor, private readonly trust: TrustContext) {}

  async resolve(deployment: Deployment): Promise<CredentialResult> {
    const source = this.trust.sourceOf(deployment.id);
    const refused = refusal(deployment, source, this.trust.isTrusted());
    if (refused) return { ok: false, error: providerError('permission', refused, { retryable: false }) };
    const result = await this.lookUp(deployment, source);
    if (result.ok) this.remember(result.credential);
    return result;
  }

  private remember(credential: Credential): void {
    for (const secret of secretsOf(credential)) this.redactor.remember(secret);
  }

  /** Walks the sources the deployment's descriptor lists, in order: the first that gives a credential wins. */
  private async lookUp(deployment: Deployment, trustSource: DeploymentSource): Promise<CredentialResult> {
    const origin = deploymentOrigin(deployment);
    for (const source of credentialSources(deployment)) {
      switch (source.type) {
        case 'key': {
          const key = await this.keys.get(deployment);
          if (!key) break;
          const from = source.sendAs === 'bearer' ? `the ${source.name} saved for ${origin}` : `the key saved for ${origin}`;
          return { ok: true, credential: source.sendAs === 'api-key' ? { type: 'api-key', key, source: from } : { type: 'bearer', token: key, source: from } };
        }
        case 'entra':
          return entraToken(deployment, entraProviderId());
        case 'aws': {
          const { resolveAwsCredentials } = await import('../../providers/bedrock/credentials');
          return resolveAwsCredentials(source.profile);
        }
        case 'google-adc': {
          const { resolveGoogleAdc } = await import('../../providers/google/credentials');
          return resolveGoogleAdc(deployment.id, source.project);
        }
        case 'none':
          return { ok: true, credential: { type: 'none', source: 'no key (none saved for this server)' } };
      }
    }
    return missingKeyFor(deployment, origin, trustSource);
  }
}

function missingKeyFor(deployment: Deployment, origin: string, source: DeploymentSource): CredentialResult {
  const why = source === 'workspace' ? ' This address comes from the workspace file; a key saved for any other address is never sent to it.' : '';
  return { ok: false, error: providerError('auth', `No API key saved for ${origin} (deployment "${deployment.id}"). Run "Fanout: Set API Key".${why}`, { retryable: false }) };
}

async function entraToken(deployment: Deployment, providerId: string): Promise<CredentialResult> {
  try {
    // silently first: no prompt once the user has let Fanout use the sign-in
    const session = await vscode.authentication.getSession(providerId, [COGNITIVE_SERVICES_SCOPE], { silent: true })
      ?? await vscode.authentication.getSession(providerId, [COGNITIVE_SERVICES_SCOPE], { createIfNone: true });
    return { ok: true, credential: { type: 'bearer', token: session.accessToken, source: `Microsoft Entra ID (${session.account.label})` } };
  } catch (cause) {
    return { ok: false, error: providerError('auth', `Microsoft sign-in for Azure OpenAI deployment "${deployment.id}" did not complete: ${(cause as Error).message}. Sign in, or set "auth": "key" and save a key.`, { retryable: false }) };
  }
}
