/**
 * A credential resolved before the clock starts (credential look-up is timed apart, never inside ttft).
 * `source` says where it came from, in words shown to the user; it never holds the secret itself.
 */
import type { Deployment } from '../config/deployment';
import type { ProviderError } from '../request/stream';

export type Credential =
  | { type: 'none'; source: string }
  | { type: 'api-key'; key: string; source: string }
  /** Entra ID token (Azure), OAuth access token (Vertex), Bedrock API key. */
  | { type: 'bearer'; token: string; source: string }
  | { type: 'aws'; accessKeyId: string; secretAccessKey: string; sessionToken?: string; source: string };

export type CredentialResult = { ok: true; credential: Credential } | { ok: false; error: ProviderError };

/** Filled by each host: the CLI reads the environment, the extension its secret store and sign-ins. */
export interface CredentialResolver {
  resolve(deployment: Deployment, signal: AbortSignal): Promise<CredentialResult>;
}

/** Every string a credential holds that must never be shown, for redaction. */
export function secretsOf(credential: Credential): string[] {
  switch (credential.type) {
    case 'api-key':
      return [credential.key];
    case 'bearer':
      return [credential.token];
    case 'aws':
      return [credential.secretAccessKey, ...(credential.sessionToken ? [credential.sessionToken] : [])];
    case 'none':
      return [];
  }
}
