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
import { partsOf, type ChatMessage, type ChatRequest } from '../../core/request/chatRequest';
import type { ConvertedRequest } from './convertRequest';
import { jsonFormatFor, strictReady, type JsonFormatDialect } from './jsonFormat';
import { openaiReasoning } from './reasoning';

export interface ResponsesDialect extends JsonFormatDialect {
  jsonSchema: 'yes' | 'strict-only';
}

export type ConvertedResponsesRequest = ConvertedRequest<ResponseCreateParamsStreaming>;

export function convertResponsesRequest(model: string, request: ChatRequest, dialect: ResponsesDialect): ConvertedResponsesRequest {
  const json = jsonFormatFor(request, dialect);
  const warnings: ConvertedResponsesRequest['warnings'] = [...json.warnings];
  const { structuredOutput, system: instructions } = json;
  const format: ResponseFormatTextConfig | undefined = json.format ?? undefined;
  // the effort (a budget becomes the nearest effort, said) as on the chat wire
  const reasoning = request.reasoning ? openaiReasoning({ ...request, params: {} }, model, dialect.service) : null;
  warnings.push(...(reasoning?.warnings ?? []));
  const effort = reasoning?.fields.reasoning_effort ?? null;
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
