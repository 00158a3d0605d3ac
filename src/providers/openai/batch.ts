/** OpenAI's Batch API for `openai` deployments (api.openai.com, or its `baseUrl`): the chat-completions wire, the model on every line. */
import type { BatchAdapter } from '../../core/batch/batchAdapter';
import { providerError } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import type { OpenAIDeployment } from './descriptor';
import { OPENAI_API } from './endpoint';
import { chatCompletionsBatch } from './batchJobs';
import { OpenAI } from './sdk';

const baseUrl = (deployment: OpenAIDeployment): string => deployment.baseUrl ?? OPENAI_API;

export const openaiBatchAdapter: BatchAdapter<OpenAIDeployment> = chatCompletionsBatch<OpenAIDeployment>({
  baseUrl,
  async client(call) {
    if (call.credential.type !== 'api-key') return { ok: false, error: providerError('auth', `Deployment "${call.deployment.id}" needs an API key.`, { retryable: false }) };
    const fetch = await transportFetch(call.transport.network, baseUrl(call.deployment));
    return { ok: true, client: new OpenAI({ apiKey: call.credential.key, baseURL: baseUrl(call.deployment), maxRetries: 2, timeout: 600_000, ...(fetch ? { fetch } : {}) }) };
  },
  wire: (deployment) => ({
    model: deployment.model,
    url: '/v1/chat/completions',
    service: 'OpenAI Batch API',
    deploymentId: deployment.id,
    dialect: { maxTokensField: 'max_completion_tokens', jsonSchema: 'yes', knownModels: true, baseModel: deployment.model },
  }),
});
