/** A ChatRequest as ConverseStream's input: messages as content blocks, the system prompt apart, the parameters in inferenceConfig. */
import type { ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatRequest } from '../../core/request/stream';

export function convertRequest(modelId: string, request: ChatRequest): ConverseStreamCommandInput {
  return {
    modelId,
    messages: request.messages.map((message) => ({ role: message.role, content: [{ text: message.content }] })),
    ...(request.system ? { system: [{ text: request.system }] } : {}),
    inferenceConfig: {
      ...(request.params.maxTokens !== undefined ? { maxTokens: request.params.maxTokens } : {}),
      ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
      ...(request.params.topP !== undefined ? { topP: request.params.topP } : {}),
    },
  };
}
