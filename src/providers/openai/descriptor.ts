/** OpenAI (api.openai.com), and every OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter, Groq…) through `baseUrl`. */
import * as z from 'zod/mini';
import { httpUrl } from '../../core/config/fields';
import { OPENAI_API } from './endpoint';
import { MB, type ImageLimits } from '../../core/request/imageCheck';
import { apiField, apiHint, apiStep } from './apiField';
import { defineProvider, idFrom, type DeploymentFrom } from '../descriptor';

/**
 * Images on the chat-completions wire (image_url data URLs): PNG, JPEG, WebP and non-animated GIF; up to 20 MB an
 * image, 500 images and 50 MB of image bytes a request — OpenAI's "Images and vision" guide, "Image input
 * requirements" (platform.openai.com/docs/guides/images-vision). Azure OpenAI refuses an image over 20971520 bytes
 * the same way. OpenAI-compatible servers take this wire; a server may take less.
 */
export const OPENAI_IMAGE_LIMITS: ImageLimits = { mediaTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'], maxBytes: 20 * MB, maxTotalBytes: 50 * MB, maxCount: 500 };

const baseUrlHint = 'give the API root, e.g. "http://localhost:11434/v1"';
const openaiFields = { baseUrl: z.optional(httpUrl), api: apiField };
const compatibleFields = { baseUrl: httpUrl };
export type OpenAIDeployment = DeploymentFrom<'openai', typeof openaiFields>;
export type OpenAICompatibleDeployment = DeploymentFrom<'openai-compatible', typeof compatibleFields>;
const loadAdapter = async () => (await import('./adapter')).openaiAdapter;

export const openaiProvider = defineProvider({
  kind: 'openai',
  fields: openaiFields,
  fieldHints: { baseUrl: baseUrlHint, api: apiHint },
  label: 'OpenAI',
  summary: 'api.openai.com, with an API key',
  exampleModels: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini'],
  origin: (deployment) => new URL(deployment.baseUrl ?? OPENAI_API).origin,
  credentials: () => [{ type: 'key', env: ['OPENAI_API_KEY'], sendAs: 'api-key', name: 'API key' }],
  price: (deployment) => ({ provider: 'openai', key: deployment.model.trim().toLowerCase(), route: null }),
  keyPage: 'https://platform.openai.com/api-keys',
  images: OPENAI_IMAGE_LIMITS,
  setup: [apiStep],
  adapter: loadAdapter,
  batch: {
    service: 'OpenAI Batch API',
    // half the price of the same model, streamed: openai.com/api/pricing ("Batch API")
    priceFactor: 0.5,
    problem: () => null,
    adapter: async () => (await import('./batch')).openaiBatchAdapter,
  },
});

export const openaiCompatibleProvider = defineProvider({
  kind: 'openai-compatible',
  fields: compatibleFields,
  fieldHints: { baseUrl: baseUrlHint },
  label: 'OpenAI-compatible',
  summary: 'Ollama, vLLM, LM Studio, OpenRouter, Groq… any OpenAI-style server',
  exampleModels: ['llama3.2', 'qwen2.5', 'mistral'],
  origin: (deployment) => new URL(deployment.baseUrl).origin,
  // a key is used when one is saved (or named in apiKeyEnv); local servers take none
  credentials: () => [{ type: 'key', env: [], sendAs: 'api-key', name: 'API key' }, { type: 'none', source: 'no key (local server)' }],
  price: (deployment) => ({ provider: null, reason: `OpenAI-compatible servers set their own prices — add "pricing" to deployment "${deployment.id}" to see cost` }),
  setup: [{ kind: 'text', field: 'baseUrl', prompt: 'The API root of the server', value: 'http://localhost:11434/v1' }],
  suggestId: (model) => idFrom('local', model),
  images: OPENAI_IMAGE_LIMITS,
  adapter: loadAdapter,
});
