/** A ChatRequest as a streaming chat-completions body: the system prompt first, usage asked for, the max-tokens field the server takes. */
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatRequest } from '../../core/request/stream';

export function convertRequest(model: string, request: ChatRequest, maxTokensField: 'max_tokens' | 'max_completion_tokens'): ChatCompletionCreateParamsStreaming {
  const messages: ChatCompletionMessageParam[] = [
    ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
    ...request.messages.map((message) => ({ role: message.role, content: message.content })),
  ];
  return {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
    ...(request.params.topP !== undefined ? { top_p: request.params.topP } : {}),
    ...(request.params.maxTokens !== undefined ? { [maxTokensField]: request.params.maxTokens } : {}),
  };
}
