/**
 * The CLI's credentials: keys from environment variables (the deployment's `apiKeyEnv`, else the provider's usual
 * variables), AWS profiles and chain, Google ADC — walking the sources the deployment's descriptor lists, in order.
 * A missing credential names the variable to set.
 */
import type { Credential, CredentialResolver, CredentialResult } from '../core/security/credential';
import type { Deployment } from '../core/config/deployment';
import { providerError } from '../core/request/stream';
import type { CredentialSource } from '../providers/descriptor';
import { credentialSources } from '../providers/registry';

type Env = Record<string, string | undefined>;

export class EnvironmentCredentials implements CredentialResolver {
  private readonly cache = new Map<string, Promise<CredentialResult>>();

  constructor(private readonly env: Env = process.env) {}

  resolve(deployment: Deployment): Promise<CredentialResult> {
    // one look-up per deployment per process: repeated runs reuse it (AWS and Google tokens last an hour)
    let pending = this.cache.get(deployment.id);
    if (!pending) {
      pending = this.lookUp(deployment);
      this.cache.set(deployment.id, pending);
    }
    return pending;
  }

  private variable(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  private async lookUp(deployment: Deployment): Promise<CredentialResult> {
    const sources = credentialSources(deployment);
    if (deployment.apiKeyEnv) {
      const value = this.variable(deployment.apiKeyEnv);
      if (!value) return missing(deployment, [deployment.apiKeyEnv]);
      const source = `environment variable ${deployment.apiKeyEnv}`;
      // a named variable stands in for the first source: a key as that source sends it, a token for a sign-in
      const first = sources[0];
      const asKey = first?.type === 'none' || (first?.type === 'key' && first.sendAs === 'api-key');
      return { ok: true, credential: asKey ? { type: 'api-key', key: value, source } : { type: 'bearer', token: value, source } };
    }
    const looked: string[] = [];
    for (const source of sources) {
      const found = await this.fromSource(source, deployment, looked);
      if (found) return found;
    }
    return missing(deployment, looked);
  }

  /** The credential this source gives, or undefined to try the next one (noting the variables looked at). */
  private async fromSource(source: CredentialSource, deployment: Deployment, looked: string[]): Promise<CredentialResult | undefined> {
    switch (source.type) {
      case 'key': {
        for (const name of source.env) {
          const value = this.variable(name);
          const from = `environment variable ${name}`;
          if (value) return ok(source.sendAs === 'api-key' ? { type: 'api-key', key: value, source: from } : { type: 'bearer', token: value, source: from });
        }
        looked.push(...source.env);
        return undefined;
      }
      case 'entra': {
        const value = this.variable(source.env);
        looked.push(source.env);
        return value ? ok({ type: 'bearer', token: value, source: `environment variable ${source.env}` }) : undefined;
      }
      case 'aws': {
        const accessKeyId = this.variable('AWS_ACCESS_KEY_ID');
        const secretAccessKey = this.variable('AWS_SECRET_ACCESS_KEY');
        if (!source.profile && accessKeyId && secretAccessKey) {
          const sessionToken = this.variable('AWS_SESSION_TOKEN');
          return ok({ type: 'aws', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), source: 'environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' });
        }
        const { resolveAwsCredentials } = await import('../providers/bedrock/credentials');
        return resolveAwsCredentials(source.profile ?? this.variable('AWS_PROFILE'));
      }
      case 'google-adc': {
        const { resolveGoogleAdc } = await import('../providers/google/credentials');
        return resolveGoogleAdc(deployment.id, source.project);
      }
      case 'none':
        return ok({ type: 'none', source: source.source });
    }
  }
}

const ok = (credential: Credential): CredentialResult => ({ ok: true, credential });

function missing(deployment: Deployment, names: string[]): CredentialResult {
  return {
    ok: false,
    error: providerError('auth', `No API key for deployment "${deployment.id}": set ${names.join(' or ')} in the environment${deployment.apiKeyEnv ? '' : ', or name another variable in the deployment\'s "apiKeyEnv"'}.`, { retryable: false }),
  };
}
