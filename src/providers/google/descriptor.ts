/** Gemini, on Vertex AI (a project and location, Google Application Default Credentials) and through the Gemini API (an API key). */
import * as z from 'zod/mini';
import { gcpLocation, gcpProject, httpUrl } from '../../core/config/fields';
import { geminiOrigin, vertexOrigin } from './endpoint';
import { defineProvider, type DeploymentFrom, type PriceKey } from '../descriptor';
import { MB } from '../../core/request/imageCheck';

/** Gemini takes PNG, JPEG, WebP, HEIC and HEIF (no GIF) on both routes. */
const GEMINI_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];

const GEMINI_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash', 'gemini-2.5-flash-lite'];
export const VERTEX_LOCATIONS = ['us-central1', 'us-east4', 'us-west1', 'europe-west1', 'europe-west4', 'asia-northeast1', 'global'];
const loadAdapter = async () => (await import('./adapter')).googleAdapter;

/** Google's price key: "publishers/google/models/gemini-2.5-flash" and "google/gemini-2.5-flash" → "gemini-2.5-flash". */
export function googlePriceKey(model: string): PriceKey {
  return { provider: 'google', key: model.trim().toLowerCase().replace(/^(publishers\/google\/)?models\//, '').replace(/^google\//, ''), route: null };
}

export const VERTEX_HOST = /^([a-z0-9-]+-)?aiplatform\.googleapis\.com$/;
export const vertexFields = { project: gcpProject, location: gcpLocation, endpoint: z.optional(httpUrl) };
export const vertexFieldHints = {
  project: 'give the Google Cloud project id, e.g. "my-project-123"',
  location: 'give the Vertex AI location, e.g. "us-central1"',
  endpoint: 'give a private or VPC endpoint URL',
};
export const vertexSetup = [
  { kind: 'text', field: 'project', prompt: 'The Google Cloud project id', value: '', placeholder: 'my-project-123' },
  { kind: 'pick', field: 'location', prompt: 'The Vertex AI location', options: VERTEX_LOCATIONS, other: true },
] as const;

const geminiFields = { baseUrl: z.optional(httpUrl) };
export type VertexDeployment = DeploymentFrom<'vertex', typeof vertexFields>;
export type GeminiDeployment = DeploymentFrom<'gemini', typeof geminiFields>;

export const vertexProvider = defineProvider({
  kind: 'vertex',
  fields: vertexFields,
  fieldHints: vertexFieldHints,
  label: 'Vertex AI',
  summary: 'Gemini on Vertex AI, with your Google sign-in',
  exampleModels: GEMINI_MODELS,
  origin: (deployment) => vertexOrigin(deployment.location, deployment.endpoint),
  region: (deployment) => deployment.location,
  credentials: (deployment) => [{ type: 'google-adc', project: deployment.project }],
  officialHost: VERTEX_HOST,
  price: (deployment) => googlePriceKey(deployment.model),
  contextTokens: 1_000_000,
  setup: vertexSetup,
  // Vertex AI "Image understanding", Gemini 2.5 models: "Maximum file size per file for inline data …: 7 MB",
  // "Maximum images per prompt: 3,000" (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/image-understanding)
  images: { mediaTypes: GEMINI_IMAGE_TYPES, maxBytes: 7 * MB, maxCount: 3000 },
  adapter: loadAdapter,
});

export const geminiProvider = defineProvider({
  kind: 'gemini',
  fields: geminiFields,
  fieldHints: { baseUrl: 'give the API root, e.g. "https://generativelanguage.googleapis.com"' },
  label: 'Gemini API',
  summary: 'the Gemini API, with an API key',
  exampleModels: GEMINI_MODELS,
  origin: (deployment) => geminiOrigin(deployment.baseUrl),
  credentials: () => [{ type: 'key', env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], sendAs: 'api-key', name: 'API key' }],
  price: (deployment) => googlePriceKey(deployment.model),
  keyPage: 'https://aistudio.google.com/apikey',
  contextTokens: 1_000_000,
  setup: [],
  // Gemini API: inline data up to 100 MB a request, base64-encoded — 75 MB of image bytes (raised from 20 MB on
  // 2026-01-12: blog.google "Increased file size limits and expanded inputs support in Gemini API"; ai.google.dev
  // /gemini-api/docs/file-input-methods). No per-image size or count is documented beside it.
  images: { mediaTypes: GEMINI_IMAGE_TYPES, maxTotalBytes: 75 * MB },
  adapter: loadAdapter,
});
