/**
 * Provider kind → its adapter, imported on first use. Each adapter (and its SDK) is a separate
 * chunk in the build, so starting the CLI or the extension loads no SDK.
 */
import type { ProviderAdapter } from '../core/engine/adapter';
import type { ProviderKind } from '../core/config/deployment';

const LOADERS: Record<ProviderKind, () => Promise<ProviderAdapter>> = {
  openai: async () => (await import('./openai/adapter')).openaiAdapter as ProviderAdapter,
  'openai-compatible': async () => (await import('./openai/adapter')).openaiAdapter as ProviderAdapter,
  'azure-openai': async () => (await import('./azure-openai/adapter')).azureOpenAIAdapter as ProviderAdapter,
  bedrock: async () => (await import('./bedrock/adapter')).bedrockAdapter as ProviderAdapter,
  vertex: async () => (await import('./google/adapter')).googleAdapter as ProviderAdapter,
  gemini: async () => (await import('./google/adapter')).googleAdapter as ProviderAdapter,
};

export function loadAdapter(kind: ProviderKind): Promise<ProviderAdapter> {
  return LOADERS[kind]();
}
