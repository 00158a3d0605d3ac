/**
 * AWS credentials from a named profile (static keys, SSO, role, process) or the default chain, resolved
 * once before the clock starts. Imported lazily: only Bedrock deployments load it.
 */
import { fromIni, fromNodeProviderChain } from './sdk';
import type { CredentialResult } from '../../core/security/credential';
import { providerError } from '../../core/request/stream';

export interface AwsCredentialOptions {
  /** Paths of the shared config and credentials files, when not the usual ~/.aws ones. */
  configFilepath?: string;
  filepath?: string;
}

export async function resolveAwsCredentials(profile: string | undefined, options: AwsCredentialOptions = {}): Promise<CredentialResult> {
  const source = profile ? `AWS profile "${profile}"` : 'the AWS default credential chain (environment, ~/.aws, SSO)';
  try {
    const files = {
      ...(options.configFilepath ? { configFilepath: options.configFilepath } : {}),
      ...(options.filepath ? { filepath: options.filepath } : {}),
    };
    const provider = profile ? fromIni({ profile, ...files, ignoreCache: true }) : fromNodeProviderChain({ ...files, ignoreCache: true });
    const identity = await provider();
    return {
      ok: true,
      credential: {
        type: 'aws',
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
        source,
      },
    };
  } catch (cause) {
    const message = (cause as Error).message ?? String(cause);
    if (/sso/i.test(message) && /expired|refresh|token/i.test(message)) {
      return { ok: false, error: providerError('auth', `The SSO session for ${source} has expired or is missing. Run: aws sso login${profile ? ` --profile ${profile}` : ''}`, { retryable: false }) };
    }
    if (/could not resolve|Could not load credentials|Profile .* not found|not found in config/i.test(message)) {
      return { ok: false, error: providerError('auth', `No AWS credentials found in ${source}. ${profile ? `Check that profile "${profile}" exists in ~/.aws/config or ~/.aws/credentials` : 'Set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a "profile" on the deployment'}, or use a Bedrock API key.`, { retryable: false }) };
    }
    return { ok: false, error: providerError('auth', `Could not get AWS credentials from ${source}: ${message.slice(0, 200)}`, { retryable: false }) };
  }
}
