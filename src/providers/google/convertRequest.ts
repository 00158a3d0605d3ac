/** A ChatRequest as generateContent's contents and config: assistant turns are "model", the system prompt is systemInstruction. */
import type { Content, GenerateContentConfig } from '@google/genai';
import type { ChatRequest } from '../../core/request/stream';

export function convertRequest(request: ChatRequest, abortSignal: AbortSignal): { contents: Content[]; config: GenerateContentConfig } {
  return {
    contents: request.messages.map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] })),
    config: {
      abortSignal,
      ...(request.system ? { systemInstruction: request.system } : {}),
      ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
      ...(request.params.topP !== undefined ? { topP: request.params.topP } : {}),
      ...(request.params.maxTokens !== undefined ? { maxOutputTokens: request.params.maxTokens } : {}),
    },
  };
}
