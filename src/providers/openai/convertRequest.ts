/**
 * A ChatRequest as a streaming chat-completions body: the system prompt first, parts as OpenAI's content parts, tool
 * calls on assistant messages and results as `tool` messages, tools and tool choice, and the answer's format as the
 * target takes it (json_schema, strict where the schema allows) — with a warning for whatever it had to change.
 */
import type { ChatCompletionContentPart, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { partsOf, type ChatRequest } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { jsonFormatFor, type JsonFormatDialect } from './jsonFormat';
import { openaiReasoning } from './reasoning';

/** What the server behind a chat-completions endpoint takes, beyond the common wire. */
export interface ChatCompletionsDialect extends JsonFormatDialect {
  /** Which max-tokens field it reads: OpenAI's newer models take `max_completion_tokens`, most others `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The base model (Azure's deployment name is not one): what decides whether it is a reasoning model. */
  baseModel: string;
  /** OpenAI's own API or Azure: model families are known, so a model that does not reason gets no reasoning setting. */
  knownModels?: boolean;
}

export interface ConvertedRequest<Body> {
  body: Body;
  warnings: Array<{ feature: string; message: string }>;
  structuredOutput: StructuredOutputMode | null;
}

export function convertRequest(model: string, request: ChatRequest, dialect: ChatCompletionsDialect): ConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const json = jsonFormatFor(request, dialect);
  const warnings: ConvertedRequest<unknown>['warnings'] = [...json.warnings];
  const { structuredOutput, system } = json;
  const responseFormat: ChatCompletionCreateParamsStreaming['response_format'] = json.format?.type === 'json_schema'
    ? { type: 'json_schema', json_schema: { name: json.format.name, schema: json.format.schema, strict: json.format.strict } }
    : json.format ?? undefined;
  const reasoning = openaiReasoning(request, dialect.baseModel, dialect.service, dialect.knownModels === true);
  warnings.push(...reasoning.warnings);
  const messages: ChatCompletionMessageParam[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...request.messages.flatMap(convertMessage)];
  const body: ChatCompletionCreateParamsStreaming = {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(reasoning.sampling && request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
    ...(reasoning.sampling && request.params.topP !== undefined ? { top_p: request.params.topP } : {}),
    ...(request.params.maxTokens !== undefined ? { [dialect.maxTokensField]: request.params.maxTokens } : {}),
    ...reasoning.fields,
    ...(request.tools?.length ? { tools: request.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters } })) } : {}),
    ...(request.tools?.length && request.toolChoice ? { tool_choice: typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function' as const, function: { name: request.toolChoice.name } } } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
  if (request.toolChoice && !request.tools?.length) warnings.push({ feature: 'toolChoice', message: 'a tool choice without tools was not sent' });
  return { body, warnings, structuredOutput };
}

function convertMessage(message: ChatRequest['messages'][number]): ChatCompletionMessageParam[] {
  const parts = partsOf(message);
  if (message.role === 'tool') {
    return parts.flatMap((part) => (part.type === 'tool-result' ? [{ role: 'tool' as const, tool_call_id: part.toolCallId, content: part.content }] : []));
  }
  if (message.role === 'assistant') {
    const text = parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    const calls: ChatCompletionMessageToolCall[] = parts.flatMap((part) => (part.type === 'tool-call'
      ? [{ id: part.id, type: 'function' as const, function: { name: part.name, arguments: JSON.stringify(part.arguments) } }] : []));
    return [{ role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const content: ChatCompletionContentPart[] = parts.flatMap((part): ChatCompletionContentPart[] => {
    if (part.type === 'text') return [{ type: 'text', text: part.text }];
    if (part.type === 'image' && part.data) return [{ type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${part.data}` } }];
    return [];
  });
  return [{ role: 'user', content }];
}
