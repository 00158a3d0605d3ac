/**
 * Vertex AI's OpenAI-compatible endpoint (`…/v1/projects/P/locations/L/endpoints/openapi/chat/completions`, a Google
 * ADC bearer token): how OpenAI's open-weight models (gpt-oss) and partner models (Llama, Qwen, DeepSeek…) are
 * served on Google Cloud, as model-as-a-service ids such as "openai/gpt-oss-120b-maas".
 */
import { defineProvider, idFrom, type DeploymentFrom } from '../descriptor';
import { VERTEX_HOST, googlePriceKey, vertexFieldHints, vertexFields, vertexSetup } from '../google/descriptor';
import { vertexOrigin } from '../google/endpoint';
import { OPENAI_IMAGE_LIMITS } from '../openai/descriptor';

export type VertexOpenAIDeployment = DeploymentFrom<'vertex-openai', typeof vertexFields>;

export const vertexOpenAIProvider = defineProvider({
  kind: 'vertex-openai',
  fields: vertexFields,
  fieldHints: vertexFieldHints,
  label: 'Vertex AI (OpenAI-compatible)',
  summary: 'open-weight and partner models on Vertex AI (gpt-oss, Llama, Qwen…), with your Google sign-in',
  exampleModels: ['openai/gpt-oss-120b-maas', 'openai/gpt-oss-20b-maas', 'meta/llama-4-maverick-17b-128e-instruct-maas', 'qwen/qwen3-235b-a22b-instruct-2507-maas', 'google/gemini-2.5-flash'],
  origin: (deployment) => vertexOrigin(deployment.location, deployment.endpoint),
  region: (deployment) => deployment.location,
  credentials: (deployment) => [{ type: 'google-adc', project: deployment.project }],
  officialHost: VERTEX_HOST,
  // "google/gemini-2.5-flash" and "google/gemma-4-26b-a4b-it-maas" (the MaaS id has its own price: kept) are priced under
  // Google; a partner model Google's prices do not list ("openai/gpt-oss-120b-maas") is unknown
  price: (deployment) => googlePriceKey(deployment.model),
  setup: vertexSetup,
  // the OpenAI wire's limits (image_url data URLs); a partner model may take fewer or smaller images
  images: OPENAI_IMAGE_LIMITS,
  suggestId: (model) => idFrom('vertex', model.replace(/-maas$/i, ''), 1),
  adapter: async () => (await import('./adapter')).vertexOpenAIAdapter,
});
