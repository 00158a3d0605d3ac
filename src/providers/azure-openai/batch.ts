/**
 * Azure OpenAI's global batch: the same files and batches calls as OpenAI, on the resource's `/openai/files` and
 * `/openai/batches?api-version=…` (an `AzureOpenAI` client built WITHOUT `deployment`: with one, the SDK would send
 * them under `/openai/deployments/…`, which has no batch routes — shared/notes/wire.md), and every line names the
 * Global/Data Zone Batch deployment of the deployment's `batch.deployment` as its `model`.
 */
import type { BatchAdapter } from '../../core/batch/batchAdapter';
import { providerError } from '../../core/request/stream';
import { chatCompletionsBatch } from '../openai/batchJobs';
import { AzureOpenAI } from '../openai/sdk';
import { transportFetch } from '../transport/fetch';
import type { AzureOpenAIDeployment } from './descriptor';
import { DEFAULT_AZURE_API_VERSION, takesJsonSchema } from './endpoint';

export const azureOpenAIBatchAdapter: BatchAdapter<AzureOpenAIDeployment> = chatCompletionsBatch<AzureOpenAIDeployment>({
  baseUrl: (deployment) => deployment.endpoint,
  async client(call) {
    const { deployment, credential } = call;
    if (credential.type !== 'api-key' && credential.type !== 'bearer') {
      return { ok: false, error: providerError('auth', `Azure OpenAI deployment "${deployment.id}" needs an API key or a Microsoft Entra ID sign-in.`, { retryable: false }) };
    }
    const fetch = await transportFetch(call.transport.network, deployment.endpoint);
    const common = { endpoint: deployment.endpoint, apiVersion: deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION, maxRetries: 2, timeout: 600_000, ...(fetch ? { fetch } : {}) };
    const token = credential.type === 'bearer' ? credential.token : null;
    return { ok: true, client: credential.type === 'api-key' ? new AzureOpenAI({ ...common, apiKey: credential.key }) : new AzureOpenAI({ ...common, azureADTokenProvider: async () => token! }) };
  },
  wire: (deployment) => {
    const apiVersion = deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION;
    return {
      model: deployment.batch?.deployment ?? '',
      url: '/chat/completions',
      service: 'Azure OpenAI Batch',
      deploymentId: deployment.id,
      dialect: takesJsonSchema(apiVersion)
        ? { maxTokensField: 'max_completion_tokens', jsonSchema: 'strict-only', knownModels: true, baseModel: deployment.model }
        : { maxTokensField: 'max_completion_tokens', jsonSchema: 'no', knownModels: true, baseModel: deployment.model, noJsonSchemaReason: `api-version ${apiVersion} predates json_schema (2024-08-01-preview)` },
    };
  },
});
