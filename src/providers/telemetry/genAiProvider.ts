/** `gen_ai.provider.name` of OpenTelemetry's GenAI semantic conventions for each provider kind (its well-known values, else Fanout's kind). */
import type { ProviderKind } from '../registry';

const GEN_AI_PROVIDER: Record<ProviderKind, string> = {
  openai: 'openai',
  'openai-compatible': 'openai-compatible',
  'azure-openai': 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  vertex: 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  'vertex-openai': 'gcp.vertex_ai',
};

export const genAiProviderName = (kind: ProviderKind | 'vscode-lm'): string => (kind === 'vscode-lm' ? 'vscode-lm' : GEN_AI_PROVIDER[kind]);
