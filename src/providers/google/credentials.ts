/**
 * Google Application Default Credentials (gcloud's ADC file, GOOGLE_APPLICATION_CREDENTIALS, or the
 * metadata server), turned into an access token before the clock starts. Imported lazily.
 */
import { GoogleAuth } from './sdk';
import type { CredentialResult } from '../../core/security/credential';
import { providerError } from '../../core/request/stream';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export async function resolveGoogleAdc(deploymentId: string, project: string, keyFilename?: string): Promise<CredentialResult> {
  // projectId given up front: otherwise google-auth-library runs `gcloud config config-helper` to find it (about 1 s)
  const auth = new GoogleAuth({ scopes: [SCOPE], projectId: project, ...(keyFilename ? { keyFilename } : {}) });
  const source = keyFilename ? `the Google credentials file ${keyFilename}` : 'Google Application Default Credentials';
  try {
    const token = await auth.getAccessToken();
    if (!token) throw new Error('no access token was returned');
    return { ok: true, credential: { type: 'bearer', token, source } };
  } catch (cause) {
    const message = (cause as Error).message ?? String(cause);
    if (/Could not load the default credentials|Unable to detect a Project|ENOENT/i.test(message)) {
      return { ok: false, error: providerError('auth', `No Google credentials found for Vertex AI deployment "${deploymentId}". Run: gcloud auth application-default login`, { retryable: false }) };
    }
    if (/invalid_grant|reauth|expired/i.test(message)) {
      return { ok: false, error: providerError('auth', `The Google sign-in has expired. Run: gcloud auth application-default login`, { retryable: false }) };
    }
    return { ok: false, error: providerError('auth', `Could not get a Google access token from ${source}: ${message.slice(0, 200)}`, { retryable: false }) };
  }
}
