/** OpenAI (api.openai.com), and every OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter, Groq…) through `baseUrl`. */
import * as z from 'zod/mini';
import { httpUrl } from '../../core/config/fields';
import { OPENAI_API } from './endpoint';
import { apiField, apiHint, apiStep } from './apiField';
import { defineProvider, idFrom, type DeploymentFrom } from '../descriptor';

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
  price: (deployment) => ({ section: 'openai', key: deployment.model.trim().toLowerCase(), route: null }),
  keyPage: 'https://platform.openai.com/api-keys',
  setup: [apiStep],
  adapter: loadAdapter,
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
  price: (deployment) => ({ section: null, reason: `OpenAI-compatible servers set their own prices — add "pricing" to deployment "${deployment.id}" to see cost` }),
  setup: [{ kind: 'text', field: 'baseUrl', prompt: 'The API root of the server', value: 'http://localhost:11434/v1' }],
  suggestId: (model) => idFrom('local', model),
  adapter: loadAdapter,
});
