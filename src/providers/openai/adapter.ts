/**
 * OpenAI, and every OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter, Groq…) through `baseUrl`; OpenAI
 * deployments with `api: "responses"` go through the Responses API instead of chat completions.
 */
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import { proxyFor } from '../../core/engine/network';
import { providerError } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import { keptClient } from '../transport/keptClients';
import type { OpenAICompatibleDeployment, OpenAIDeployment } from './descriptor';
import { OPENAI_API } from './endpoint';
import { OpenAI, streamChatCompletions, streamResponses } from './sdk';

export const openaiAdapter: ProviderAdapter<OpenAIDeployment | OpenAICompatibleDeployment> = {
  async *stream(call: ProviderCall<OpenAIDeployment | OpenAICompatibleDeployment>) {
    const { deployment, credential } = call;
    const compatible = deployment.provider === 'openai-compatible';
    const baseURL = deployment.baseUrl ?? OPENAI_API;
    let apiKey: string;
    if (credential.type === 'api-key') apiKey = credential.key;
    else if (credential.type === 'none' && compatible) apiKey = 'not-needed'; // local servers take no key; the SDK insists on one
    else {
      yield { type: 'error', error: providerError('auth', `Deployment "${deployment.id}" needs an API key.`, { retryable: false }) };
      return;
    }
    const fetch = await transportFetch(call.transport.network, baseURL);
    const client = keptClient(call, () => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 24 * 3600_000, ...(fetch ? { fetch } : {}) }));
    if (deployment.provider === 'openai' && deployment.api === 'responses') {
      yield* streamResponses(
        { client, model: deployment.model, service: 'OpenAI', origin: new URL(baseURL).origin, dialect: { jsonSchema: 'yes' }, proxy: proxyFor(baseURL, call.transport.network) },
        call,
      );
      return;
    }
    yield* streamChatCompletions(
      {
        client,
        model: deployment.model,
        service: compatible ? `The server at ${new URL(baseURL).host}` : 'OpenAI',
        origin: new URL(baseURL).origin,
        dialect: { maxTokensField: compatible ? 'max_tokens' : 'max_completion_tokens', jsonSchema: 'yes', knownModels: !compatible },
        proxy: proxyFor(baseURL, call.transport.network),
      },
      call,
    );
  },
};
