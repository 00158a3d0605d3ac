/**
 * The @google/genai client for a deployment: Vertex AI with a ready OAuth client holding the access token (no auth
 * look-up inside a timed request), or the Gemini API with its key. SDK retries are off: Fanout retries itself.
 */
import type { GoogleGenAIOptions } from '@google/genai';
import { GoogleGenAI, OAuth2Client } from './sdk';
import type { GeminiDeployment, VertexDeployment } from './descriptor';
import type { Credential } from '../../core/security/credential';
import { providerError, type ProviderError } from '../../core/request/stream';

/** An authorised client holding the Vertex AI access token (also what Cloud Storage requests are sent with). */
export function bearerClient(token: string): InstanceType<typeof OAuth2Client> {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return authClient;
}

/** A client made now (the batch adapters: a few control-plane calls). */
export function googleClient(deployment: VertexDeployment | GeminiDeployment, credential: Credential, fetch: typeof globalThis.fetch | undefined): { ok: true; ai: GoogleGenAI } | { ok: false; error: ProviderError } {
  const options = googleOptions(deployment, credential, fetch);
  return options.ok ? { ok: true, ai: new GoogleGenAI(options.options) } : options;
}

/** The client's options, or why the credential does not fit the deployment. */
export function googleOptions(deployment: VertexDeployment | GeminiDeployment, credential: Credential, fetch: typeof globalThis.fetch | undefined): { ok: true; options: GoogleGenAIOptions } | { ok: false; error: ProviderError } {
  const noRetries = { attempts: 1 };
  let options: GoogleGenAIOptions;
  if (deployment.provider === 'vertex') {
    if (credential.type !== 'bearer') {
      return { ok: false, error: providerError('auth', `Vertex AI deployment "${deployment.id}" needs Google credentials: run "gcloud auth application-default login", or set a credentials file.`, { retryable: false }) };
    }
    options = {
      vertexai: true,
      project: deployment.project,
      location: deployment.location,
      googleAuthOptions: { authClient: bearerClient(credential.token), projectId: deployment.project },
      httpOptions: { retryOptions: noRetries, ...(fetch ? { fetch } : {}), ...(deployment.endpoint ? { baseUrl: deployment.endpoint } : {}) },
    };
  } else {
    if (credential.type !== 'api-key') {
      return { ok: false, error: providerError('auth', `Gemini API deployment "${deployment.id}" needs an API key.`, { retryable: false }) };
    }
    options = { apiKey: credential.key, httpOptions: { retryOptions: noRetries, ...(fetch ? { fetch } : {}), ...(deployment.baseUrl ? { baseUrl: deployment.baseUrl } : {}) } };
  }
  return { ok: true, options };
}
