/**
 * Azure OpenAI: OpenAI's wire with a deployment URL, an api-version, and an `api-key` header or an Entra ID token.
 * With `api: "responses"` it goes to the resource's v1 endpoint (`/openai/v1/responses`, no api-version) through the
 * plain `OpenAI` client: `AzureOpenAI` with a v1 baseURL adds `/deployments/…` to the path (shared/notes/wire.md).
 */
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import { proxyFor } from '../../core/engine/network';
import { providerError } from '../../core/request/stream';
import { AzureOpenAI, OpenAI, streamChatCompletions, streamResponses } from '../openai/sdk';
import type { AzureOpenAIDeployment } from './descriptor';
import { DEFAULT_AZURE_API_VERSION, azureV1BaseUrl, takesJsonSchema } from './endpoint';
import { transportFetch } from '../transport/fetch';
import { keptClient } from '../transport/keptClients';

export const azureOpenAIAdapter: ProviderAdapter<AzureOpenAIDeployment> = {
  async *stream(call: ProviderCall<AzureOpenAIDeployment>) {
    const { deployment, credential } = call;
    const deploymentName = deployment.deployment ?? deployment.model;
    const apiVersion = deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION;
    const fetch = await transportFetch(call.transport.network, deployment.endpoint);
    const transport = { maxRetries: 0, timeout: 24 * 3600_000, ...(fetch ? { fetch } : {}) };
    if (credential.type !== 'api-key' && credential.type !== 'bearer') {
      yield { type: 'error', error: providerError('auth', `Azure OpenAI deployment "${deployment.id}" needs an API key or a Microsoft Entra ID sign-in.`, { retryable: false }) };
      return;
    }
    const target = { service: 'Azure OpenAI', model: deploymentName, origin: new URL(deployment.endpoint).origin, proxy: proxyFor(deployment.endpoint, call.transport.network) };

    if (deployment.api === 'responses') {
      const baseURL = azureV1BaseUrl(deployment.endpoint);
      // a key goes in `api-key` (and no Authorization header); an Entra token as Bearer
      const client = keptClient(call, () => credential.type === 'api-key'
        ? new OpenAI({ ...transport, baseURL, apiKey: credential.key, defaultHeaders: { 'api-key': credential.key, authorization: null } })
        : new OpenAI({ ...transport, baseURL, apiKey: credential.token }));
      // Azure refuses non-strict schemas
      yield* streamResponses({ ...target, client, dialect: { jsonSchema: 'strict-only' } }, call);
      return;
    }

    const common = { ...transport, endpoint: deployment.endpoint, apiVersion, deployment: deploymentName };
    const token = credential.type === 'bearer' ? credential.token : null;
    const client = keptClient(call, () => credential.type === 'api-key'
      ? new AzureOpenAI({ ...common, apiKey: credential.key })
      : new AzureOpenAI({ ...common, azureADTokenProvider: async () => token! }));
    yield* streamChatCompletions(
      {
        ...target, client,
        // Azure refuses non-strict schemas, and json_schema itself on api-versions before 2024-08-01-preview
        dialect: takesJsonSchema(apiVersion)
          ? { maxTokensField: 'max_completion_tokens', jsonSchema: 'strict-only', knownModels: true }
          : { maxTokensField: 'max_completion_tokens', jsonSchema: 'no', knownModels: true, noJsonSchemaReason: `api-version ${apiVersion} predates json_schema (2024-08-01-preview)` },
      },
      call,
    );
  },
};
