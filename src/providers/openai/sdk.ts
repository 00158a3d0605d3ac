/**
 * The `openai` SDK and the chat-completions and Responses streamers, as ONE lazily loaded chunk shared by every adapter that speaks
 * OpenAI's wire (OpenAI, OpenAI-compatible servers, Azure OpenAI, Vertex AI's OpenAI endpoint): the SDK is bundled once. The
 * batch chunks (batch.ts) take `toFile` and the SDK's error mapping from here too.
 */
export { AzureOpenAI, default as OpenAI, toFile } from 'openai';
export { toProviderError } from './errors';
export { streamChatCompletions } from './chatCompletions';
export { streamResponses } from './responses';
