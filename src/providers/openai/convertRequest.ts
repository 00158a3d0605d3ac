/**
 * A ChatRequest as a streaming chat-completions body: the system prompt first, parts as OpenAI's content parts, tool
 * calls on assistant messages and results as `tool` messages, tools and tool choice, and the answer's format as the
 * target takes it (json_schema, strict where the schema allows) — with a warning for whatever it had to change.
 */
import type { ChatCompletionContentPart, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { partsOf, schemaOf, type ChatRequest } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { checkSchema, describeProblems } from '../schemaDialect';
import { systemWithJsonInstruction } from '../structuredInstruction';
import { openaiReasoning } from './reasoning';

/** What the server behind a chat-completions endpoint takes, beyond the common wire. */
export interface ChatCompletionsDialect {
  /** Which max-tokens field it reads: OpenAI's newer models take `max_completion_tokens`, most others `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** `response_format: json_schema`: taken (strict when the schema allows), only strict (Azure), or not at all. */
  jsonSchema: 'yes' | 'strict-only' | 'no';
  /** Why json_schema is not taken, for the warning ("api-version 2024-06-01 predates json_schema"). */
  noJsonSchemaReason?: string;
  service: string;
  /** The base model (Azure's deployment name is not one): what decides whether it is a reasoning model. */
  baseModel: string;
}

export interface ConvertedRequest<Body> {
  body: Body;
  warnings: Array<{ feature: string; message: string }>;
  structuredOutput: StructuredOutputMode | null;
}

export function convertRequest(model: string, request: ChatRequest, dialect: ChatCompletionsDialect): ConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const warnings: ConvertedRequest<unknown>['warnings'] = [];
  let structuredOutput: StructuredOutputMode | null = null;
  let responseFormat: ChatCompletionCreateParamsStreaming['response_format'];
  let system = request.system;
  const schema = schemaOf(request);
  if (schema) {
    const problems = checkSchema(schema.schema, { strict: true });
    const strictOk = problems.length === 0;
    const refusal = dialect.jsonSchema === 'no'
      ? dialect.noJsonSchemaReason ?? `${dialect.service} takes no json_schema`
      : dialect.jsonSchema === 'strict-only' && !strictOk ? `${dialect.service} takes only strict schemas, and this one is not: ${describeProblems(problems)}` : null;
    if (refusal) {
      warnings.push({ feature: 'responseFormat', message: `${refusal}: the schema was sent as an instruction instead` });
      structuredOutput = 'instruction';
      system = systemWithJsonInstruction(request);
    } else {
      const strict = schema.strict !== false && strictOk;
      if (schema.strict !== false && !strictOk) warnings.push({ feature: 'responseFormat', message: `the schema is not strict-mode ready, so it was sent with strict: false (${describeProblems(problems)})` });
      responseFormat = { type: 'json_schema', json_schema: { name: schema.name, schema: schema.schema, strict } };
      structuredOutput = 'native';
    }
  } else if (request.responseFormat === 'json') {
    responseFormat = { type: 'json_object' };
    structuredOutput = 'native';
    // json_object mode refuses a conversation that never says "JSON"
    const saysJson = [request.system ?? '', ...request.messages.flatMap((message) => partsOf(message).map((part) => (part.type === 'text' ? part.text : '')))].some((text) => /json/i.test(text));
    if (!saysJson) system = systemWithJsonInstruction(request);
  }
  const reasoning = openaiReasoning(request, dialect.baseModel, dialect.service);
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
