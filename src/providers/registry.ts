/**
 * Provider kind → its adapter, imported on first use. Each adapter (and its SDK) is a separate
 * chunk in the build, so starting the CLI or the extension loads no SDK.
 */
import type { ProviderAdapter } from '../core/adapter';
import type { ProviderKind } from '../core/deployment';

const LOADERS: Record<ProviderKind, () => Promise<ProviderAdapter>> = {
  openai: async () => (await import('./openai')).openaiAdapter as ProviderAdapter,
  'openai-compatible': async () => (await import('./openai')).openaiAdapter as ProviderAdapter,
  'azure-openai': async () => (await import('./azureOpenai')).azureOpenAIAdapter as ProviderAdapter,
  bedrock: async () => (await import('./bedrock')).bedrockAdapter as ProviderAdapter,
  vertex: async () => (await import('./vertex')).googleAdapter as ProviderAdapter,
  gemini: async () => (await import('./vertex')).googleAdapter as ProviderAdapter,
};

export function loadAdapter(kind: ProviderKind): Promise<ProviderAdapter> {
  return LOADERS[kind]();
}
