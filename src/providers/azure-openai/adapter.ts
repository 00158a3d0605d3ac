/** Azure OpenAI: OpenAI's wire with a deployment URL, an api-version, and an `api-key` header or an Entra ID token. */
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import { proxyFor } from '../../core/engine/network';
import { providerError } from '../../core/request/stream';
import { AzureOpenAI, streamChatCompletions } from '../openai/sdk';
import type { AzureOpenAIDeployment } from './descriptor';
import { DEFAULT_AZURE_API_VERSION, takesJsonSchema } from './endpoint';
import { transportFetch } from '../transport/fetch';

export const azureOpenAIAdapter: ProviderAdapter<AzureOpenAIDeployment> = {
  async *stream(call: ProviderCall<AzureOpenAIDeployment>) {
    const { deployment, credential } = call;
    const deploymentName = deployment.deployment ?? deployment.model;
    const apiVersion = deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION;
    const fetch = await transportFetch(call.transport.network, deployment.endpoint);
    const common = {
      endpoint: deployment.endpoint,
      apiVersion,
      deployment: deploymentName,
      maxRetries: 0,
      timeout: 24 * 3600_000,
      ...(fetch ? { fetch } : {}),
    };
    let client: InstanceType<typeof AzureOpenAI>;
    if (credential.type === 'api-key') client = new AzureOpenAI({ ...common, apiKey: credential.key });
    else if (credential.type === 'bearer') {
      const token = credential.token;
      client = new AzureOpenAI({ ...common, azureADTokenProvider: async () => token });
    } else {
      yield { type: 'error', error: providerError('auth', `Azure OpenAI deployment "${deployment.id}" needs an API key or a Microsoft Entra ID sign-in.`, { retryable: false }) };
      return;
    }
    yield* streamChatCompletions(
      {
        client, model: deploymentName, service: 'Azure OpenAI', origin: new URL(deployment.endpoint).origin, proxy: proxyFor(deployment.endpoint, call.transport.network),
        // Azure refuses non-strict schemas, and json_schema itself on api-versions before 2024-08-01-preview
        dialect: takesJsonSchema(apiVersion)
          ? { maxTokensField: 'max_completion_tokens', jsonSchema: 'strict-only' }
          : { maxTokensField: 'max_completion_tokens', jsonSchema: 'no', noJsonSchemaReason: `api-version ${apiVersion} predates json_schema (2024-08-01-preview)` },
      },
      call,
    );
  },
};
