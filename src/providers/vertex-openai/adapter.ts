/**
 * Vertex AI's OpenAI-compatible endpoint: OpenAI's wire under the project's `endpoints/openapi` path, with the Google
 * access token (from Application Default Credentials, fetched before the clock starts) as the bearer.
 */
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import { proxyFor } from '../../core/engine/network';
import { providerError } from '../../core/request/stream';
import { OpenAI, streamChatCompletions } from '../openai/sdk';
import { transportFetch } from '../transport/fetch';
import { keptClient } from '../transport/keptClients';
import type { VertexOpenAIDeployment } from './descriptor';
import { vertexOpenAIBaseUrl } from './endpoint';

export const vertexOpenAIAdapter: ProviderAdapter<VertexOpenAIDeployment> = {
  async *stream(call: ProviderCall<VertexOpenAIDeployment>) {
    const { deployment, credential } = call;
    if (credential.type !== 'bearer') {
      yield { type: 'error', error: providerError('auth', `Vertex AI deployment "${deployment.id}" needs Google credentials: run "gcloud auth application-default login", or set a credentials file.`, { retryable: false }) };
      return;
    }
    const baseURL = vertexOpenAIBaseUrl(deployment);
    const fetch = await transportFetch(call.transport.network, baseURL);
    // the SDK sends its apiKey as "Authorization: Bearer …", which is what Vertex AI takes
    const client = keptClient(call, () => new OpenAI({ apiKey: credential.token, baseURL, maxRetries: 0, timeout: 24 * 3600_000, ...(fetch ? { fetch } : {}) }));
    yield* streamChatCompletions(
      { client, model: deployment.model, service: 'Vertex AI', origin: new URL(baseURL).origin, dialect: { maxTokensField: 'max_tokens', jsonSchema: 'yes' }, proxy: proxyFor(baseURL, call.transport.network) },
      call,
    );
  },
};
