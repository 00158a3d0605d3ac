/**
 * A ChatRequest as a streaming Responses API body (`client.responses.create`): the system prompt as `instructions`,
 * messages as input items (user and assistant messages, `function_call` items for the assistant's tool calls with
 * their call_id, `function_call_output` items for tool results), tools as function tools (strict where the schema
 * allows: the Responses API makes a tool strict unless told otherwise), the answer's format in `text.format`, and
 * reasoning as `{effort, summary: 'auto'}` — with a warning for whatever it had to change.
 *
 * Reasoning parts of earlier turns are left out: sending them back needs the reasoning item's id or its
 * encrypted_content, which a reasoning part does not keep. The model then reasons afresh; nothing is refused.
 */
import type {
  EasyInputMessage,
  FunctionTool,
  ResponseCreateParamsStreaming,
  ResponseFormatTextConfig,
  ResponseInputContent,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import type { ReasoningEffort as OpenAIReasoningEffort } from 'openai/resources/shared';
import { partsOf, schemaOf, type ChatMessage, type ChatRequest, type ReasoningEffort } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { checkSchema, describeProblems } from '../schemaDialect';
import type { ConvertedRequest } from './convertRequest';
import { systemWithJsonInstruction } from '../structuredInstruction';

export interface ResponsesDialect {
  /** `text.format: json_schema`: taken (strict when the schema allows), or only strict (Azure). */
  jsonSchema: 'yes' | 'strict-only';
  service: string;
}

export type ConvertedResponsesRequest = ConvertedRequest<ResponseCreateParamsStreaming>;

/** A reasoning budget as the effort OpenAI takes instead (it takes no budget). */
export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= 1024) return 'low';
  if (budgetTokens <= 8192) return 'medium';
  return 'high';
}

const strictReady = (schema: Record<string, unknown>): boolean => checkSchema(schema, { strict: true }).length === 0;

export function convertResponsesRequest(model: string, request: ChatRequest, dialect: ResponsesDialect): ConvertedResponsesRequest {
  const warnings: ConvertedResponsesRequest['warnings'] = [];
  let structuredOutput: StructuredOutputMode | null = null;
  let format: ResponseFormatTextConfig | undefined;
  let instructions = request.system;
  const schema = schemaOf(request);
  if (schema) {
    const problems = checkSchema(schema.schema, { strict: true });
    const strictOk = problems.length === 0;
    if (dialect.jsonSchema === 'strict-only' && !strictOk) {
      warnings.push({ feature: 'responseFormat', message: `${dialect.service} takes only strict schemas, and this one is not (${describeProblems(problems)}): the schema was sent as an instruction instead` });
      structuredOutput = 'instruction';
      instructions = systemWithJsonInstruction(request);
    } else {
      const strict = schema.strict !== false && strictOk;
      if (schema.strict !== false && !strictOk) warnings.push({ feature: 'responseFormat', message: `the schema is not strict-mode ready, so it was sent with strict: false (${describeProblems(problems)})` });
      format = { type: 'json_schema', name: schema.name, schema: schema.schema, strict };
      structuredOutput = 'native';
    }
  } else if (request.responseFormat === 'json') {
    format = { type: 'json_object' };
    structuredOutput = 'native';
    // json_object mode refuses an input that never says "JSON"
    const saysJson = [request.system ?? '', ...request.messages.flatMap((message) => partsOf(message).map((part) => (part.type === 'text' ? part.text : '')))].some((text) => /json/i.test(text));
    if (!saysJson) instructions = systemWithJsonInstruction(request);
  }

  let effort: ReasoningEffort | null = null;
  if (request.reasoning) {
    if ('effort' in request.reasoning) effort = request.reasoning.effort;
    else {
      effort = effortForBudget(request.reasoning.budgetTokens);
      warnings.push({ feature: 'reasoning', message: `${dialect.service} takes a reasoning effort, not a token budget: ${request.reasoning.budgetTokens} tokens was sent as effort "${effort}"` });
    }
  }
  const { temperature, topP, maxTokens } = request.params;
  // reasoning models refuse sampling settings with a 400
  for (const [name, value] of [['temperature', temperature], ['topP', topP]] as const) {
    if (effort && value !== undefined) warnings.push({ feature: name, message: `${name} was not sent: reasoning models on the Responses API do not take it` });
  }
  if (request.toolChoice && !request.tools?.length) warnings.push({ feature: 'toolChoice', message: 'a tool choice without tools was not sent' });

  const tools: FunctionTool[] = (request.tools ?? []).map((tool) => ({
    type: 'function', name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters, strict: strictReady(tool.parameters),
  }));
  const body: ResponseCreateParamsStreaming = {
    model,
    input: request.messages.flatMap(inputItemsOf),
    stream: true,
    // nothing is kept on the service: each request carries the whole conversation
    store: false,
    ...(instructions ? { instructions } : {}),
    ...(!effort && temperature !== undefined ? { temperature } : {}),
    ...(!effort && topP !== undefined ? { top_p: topP } : {}),
    ...(maxTokens !== undefined ? { max_output_tokens: maxTokens } : {}),
    ...(tools.length ? { tools } : {}),
    ...(tools.length && request.toolChoice ? { tool_choice: typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function' as const, name: request.toolChoice.name } } : {}),
    ...(format ? { text: { format } } : {}),
    ...(effort ? { reasoning: { effort: effort as OpenAIReasoningEffort, summary: 'auto' as const } } : {}),
  };
  return { body, warnings, structuredOutput };
}

/** One message as the input items the Responses API takes, in the order its parts came. */
export function inputItemsOf(message: ChatMessage): ResponseInputItem[] {
  const parts = partsOf(message);
  if (message.role === 'tool') {
    return parts.flatMap((part): ResponseInputItem[] => (part.type === 'tool-result' ? [{ type: 'function_call_output', call_id: part.toolCallId, output: part.content }] : []));
  }
  if (message.role === 'assistant') {
    const items: ResponseInputItem[] = [];
    let text = '';
    const flush = (): void => {
      if (text) items.push({ role: 'assistant', content: text } satisfies EasyInputMessage);
      text = '';
    };
    for (const part of parts) {
      if (part.type === 'text') text += part.text;
      else if (part.type === 'tool-call') {
        flush();
        items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: JSON.stringify(part.arguments) });
      }
    }
    flush();
    return items;
  }
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const content: ResponseInputContent[] = parts.flatMap((part): ResponseInputContent[] => {
    if (part.type === 'text') return [{ type: 'input_text', text: part.text }];
    if (part.type === 'image' && part.data) return [{ type: 'input_image', detail: 'auto', image_url: `data:${part.mediaType};base64,${part.data}` }];
    return [];
  });
  return [{ role: 'user', content }];
}
