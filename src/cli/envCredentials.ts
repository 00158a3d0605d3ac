/**
 * The CLI's credentials: keys from environment variables (the deployment's `apiKeyEnv`, else the
 * provider's usual variable), AWS profiles and chain, Google ADC. A missing credential names the
 * variable to set.
 */
import type { CredentialResolver, CredentialResult } from '../core/security/credential';
import type { Deployment } from '../core/config/deployment';
import { providerError } from '../core/request/stream';

type Env = Record<string, string | undefined>;

const KEY_VARIABLES: Record<Deployment['provider'], string[]> = {
  openai: ['OPENAI_API_KEY'],
  'openai-compatible': [],
  'azure-openai': ['AZURE_OPENAI_API_KEY'],
  bedrock: ['AWS_BEARER_TOKEN_BEDROCK'],
  vertex: [],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
};

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

  private async lookUp(deployment: Deployment): Promise<CredentialResult> {
    const fromVariable = (name: string): string | undefined => {
      const value = this.env[name]?.trim();
      return value ? value : undefined;
    };
    if (deployment.apiKeyEnv) {
      const value = fromVariable(deployment.apiKeyEnv);
      if (!value) return missing(deployment, [deployment.apiKeyEnv]);
      const source = `environment variable ${deployment.apiKeyEnv}`;
      const bearer = deployment.provider === 'bedrock' || deployment.provider === 'vertex' || (deployment.provider === 'azure-openai' && deployment.auth === 'entra');
      return { ok: true, credential: bearer ? { type: 'bearer', token: value, source } : { type: 'api-key', key: value, source } };
    }
    switch (deployment.provider) {
      case 'openai-compatible':
        return { ok: true, credential: { type: 'none', source: 'no key (local server)' } };
      case 'azure-openai': {
        const variable = deployment.auth === 'entra' ? 'AZURE_OPENAI_AD_TOKEN' : 'AZURE_OPENAI_API_KEY';
        const value = fromVariable(variable);
        if (!value) return missing(deployment, [variable]);
        const source = `environment variable ${variable}`;
        return { ok: true, credential: deployment.auth === 'entra' ? { type: 'bearer', token: value, source } : { type: 'api-key', key: value, source } };
      }
      case 'bedrock': {
        const apiKey = fromVariable('AWS_BEARER_TOKEN_BEDROCK');
        if (apiKey) return { ok: true, credential: { type: 'bearer', token: apiKey, source: 'environment variable AWS_BEARER_TOKEN_BEDROCK' } };
        const accessKeyId = fromVariable('AWS_ACCESS_KEY_ID');
        const secretAccessKey = fromVariable('AWS_SECRET_ACCESS_KEY');
        if (!deployment.profile && accessKeyId && secretAccessKey) {
          const sessionToken = fromVariable('AWS_SESSION_TOKEN');
          return { ok: true, credential: { type: 'aws', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), source: 'environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' } };
        }
        const profile = deployment.profile ?? fromVariable('AWS_PROFILE');
        const { resolveAwsCredentials } = await import('../providers/bedrock/credentials');
        return resolveAwsCredentials(profile ? { ...deployment, profile } : deployment);
      }
      case 'vertex': {
        const { resolveGoogleAdc } = await import('../providers/google/credentials');
        return resolveGoogleAdc(deployment);
      }
      default: {
        const names = KEY_VARIABLES[deployment.provider];
        for (const name of names) {
          const value = fromVariable(name);
          if (value) return { ok: true, credential: { type: 'api-key', key: value, source: `environment variable ${name}` } };
        }
        return missing(deployment, names);
      }
    }
  }
}

function missing(deployment: Deployment, names: string[]): CredentialResult {
  return {
    ok: false,
    error: providerError('auth', `No API key for deployment "${deployment.id}": set ${names.join(' or ')} in the environment${deployment.apiKeyEnv ? '' : ', or name another variable in the deployment\'s "apiKeyEnv"'}.`, { retryable: false }),
  };
}
