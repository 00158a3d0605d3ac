/** Azure OpenAI: a resource endpoint, a deployment name, an api-version, and an API key or a Microsoft Entra ID sign-in. */
import * as z from 'zod/mini';
import { httpUrl, pattern } from '../../core/config/fields';
import { defineProvider, type DeploymentFrom } from '../descriptor';
import { OPENAI_IMAGE_LIMITS } from '../openai/descriptor';
import { apiField, apiHint, apiStep } from '../openai/apiField';

const fields = {
  endpoint: httpUrl,
  deployment: z.optional(pattern(/^[A-Za-z0-9._-]{1,64}$/, 'must be an Azure deployment name')),
  apiVersion: z.optional(pattern(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must look like "2024-10-21"')),
  auth: z.optional(z.enum(['key', 'entra'], 'must be "key" or "entra"')),
  api: apiField,
  /** Azure's global batch (`fanout eval --batch`): the Global Batch or Data Zone Batch deployment its lines go to. */
  batch: z.optional(z.strictObject({ deployment: pattern(/^[A-Za-z0-9._-]{1,64}$/, 'must be an Azure deployment name') })),
};
export type AzureOpenAIDeployment = DeploymentFrom<'azure-openai', typeof fields>;

export const azureOpenAIProvider = defineProvider({
  kind: 'azure-openai',
  fields,
  fieldHints: {
    endpoint: 'give the resource URL, e.g. "https://my-resource.openai.azure.com"',
    deployment: 'give the deployment name from the Azure portal',
    apiVersion: 'e.g. "2024-10-21"',
    auth: 'use "key" (API key) or "entra" (Microsoft Entra ID sign-in)',
    api: `${apiHint}; "responses" goes to the resource's v1 endpoint (/openai/v1/), with no api-version`,
    batch: 'give {"deployment": "NAME"}: a Global Batch or Data Zone Batch deployment of the same model (fanout eval --batch)',
  },
  label: 'Azure OpenAI',
  summary: 'your Azure resource, with a key or your Microsoft sign-in',
  exampleModels: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'o4-mini'],
  origin: (deployment) => new URL(deployment.endpoint).origin,
  credentials: (deployment) => (deployment.auth === 'entra'
    ? [{ type: 'entra', env: 'AZURE_OPENAI_AD_TOKEN' }]
    : [{ type: 'key', env: ['AZURE_OPENAI_API_KEY'], sendAs: 'api-key', name: 'API key' }]),
  // Azure is priced by the base model (genai-prices' Azure entries, else the OpenAI, Anthropic… model it falls back to)
  price: (deployment) => ({ provider: 'azure', key: deployment.model.trim().toLowerCase(), route: null }),
  keyPage: 'the Azure portal: your resource → Keys and Endpoint',
  // the OpenAI wire's limits; Azure's own refusal: "The image size … cannot exceed 20971520 bytes"
  images: OPENAI_IMAGE_LIMITS,
  setup: [
    { kind: 'text', field: 'endpoint', prompt: 'Your resource URL, from the Azure portal (Keys and Endpoint)', value: 'https://', placeholder: 'https://my-resource.openai.azure.com' },
    { kind: 'text', field: 'deployment', prompt: 'The deployment name in Azure AI Foundry / the portal', value: '{model}' },
    { kind: 'pick', field: 'auth', prompt: 'sign-in', options: [
      { label: 'API key', description: 'saved in the editor\'s secret storage', value: 'key' },
      { label: 'Microsoft Entra ID', description: 'your Microsoft sign-in in VS Code', value: 'entra' },
    ] },
    apiStep,
  ],
  adapter: async () => (await import('./adapter')).azureOpenAIAdapter,
  batch: {
    service: 'Azure OpenAI global batch',
    // 50% of the Global Standard price: azure.microsoft.com/pricing/details/cognitive-services/openai-service/ ("Batch API")
    priceFactor: 0.5,
    problem: (deployment) => {
      if (!deployment.batch?.deployment) {
        return 'Azure OpenAI runs batches only on a Global Batch or Data Zone Batch deployment — create one of the same model in the Azure portal and add "batch": {"deployment": "NAME"} to this deployment';
      }
      if (deployment.apiVersion && deployment.apiVersion.slice(0, 10) < '2024-07-01') {
        return `api-version ${deployment.apiVersion} has no batch API (it came in 2024-07-01-preview) — set "apiVersion": "2024-10-21" or later`;
      }
      return null;
    },
    adapter: async () => (await import('./batch')).azureOpenAIBatchAdapter,
  },
});
