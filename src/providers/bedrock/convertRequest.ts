/**
 * A ChatRequest as ConverseStream's input: parts as content blocks (tool results inside a user message, as Bedrock
 * wants), alternating roles, the system prompt apart, parameters in inferenceConfig, tools in toolConfig (which
 * Bedrock needs whenever the history holds tool blocks), and the answer's format as the model takes it — with a
 * warning for whatever had to change.
 */
import type { ContentBlock, ConverseStreamCommandInput, ImageFormat, Message, Tool, ToolChoice as BedrockToolChoice } from '@aws-sdk/client-bedrock-runtime';
import { historyHasTools, partsOf, schemaOf, type ChatRequest, type ToolDefinition } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { systemWithJsonInstruction } from '../structuredInstruction';
import { forcesOneTool, takesOutputSchema } from './modelCapabilities';
import { bedrockReasoning } from './reasoning';

export interface ConvertedConverse {
  input: ConverseStreamCommandInput;
  warnings: Array<{ feature: string; message: string }>;
  structuredOutput: StructuredOutputMode | null;
  /** The forced tool that carries the JSON answer (structured output through a tool), if one was made. */
  answerTool: string | null;
}

const IMAGE_FORMATS: Record<string, ImageFormat> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function convertRequest(modelId: string, request: ChatRequest): ConvertedConverse {
  const warnings: ConvertedConverse['warnings'] = [];
  let tools: ToolDefinition[] = request.tools ?? [];
  let toolChoice: BedrockToolChoice | undefined;
  let system = request.system;
  let structuredOutput: StructuredOutputMode | null = null;
  let answerTool: string | null = null;
  let outputConfig: ConverseStreamCommandInput['outputConfig'];

  const choice = request.toolChoice;
  if (choice === 'none' && tools.length) {
    if (historyHasTools(request)) warnings.push({ feature: 'toolChoice', message: 'Bedrock has no tool choice "none", and this conversation holds tool calls, so the tools were sent with tool choice "auto"' });
    else {
      warnings.push({ feature: 'toolChoice', message: 'Bedrock has no tool choice "none": sent without tools' });
      tools = [];
    }
  } else if (choice === 'required') toolChoice = { any: {} };
  else if (typeof choice === 'object') {
    if (forcesOneTool(modelId)) toolChoice = { tool: { name: choice.name } };
    else {
      toolChoice = { any: {} };
      warnings.push({ feature: 'toolChoice', message: `${modelId} cannot be made to call one named tool on Bedrock: sent as "required" (any tool)` });
    }
  } else if (choice === 'auto') toolChoice = { auto: {} };

  const schema = schemaOf(request);
  if (schema && takesOutputSchema(modelId)) {
    outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema.schema), name: schema.name } } } };
    structuredOutput = 'native';
  } else if (schema && forcesOneTool(modelId) && !tools.length) {
    // the forced-tool workaround: the model must call one tool whose input is the schema; its input is the answer
    answerTool = schema.name;
    tools = [{ name: schema.name, description: 'Give the answer as this tool\'s input.', parameters: schema.schema }];
    toolChoice = { tool: { name: schema.name } };
    structuredOutput = 'tool';
  } else if (request.responseFormat !== undefined && request.responseFormat !== 'text') {
    if (schema && tools.length && forcesOneTool(modelId)) warnings.push({ feature: 'responseFormat', message: 'the request has tools of its own, so the schema could not be carried by a forced tool: it was sent as an instruction' });
    system = systemWithJsonInstruction(request);
    structuredOutput = 'instruction';
  }

  // Bedrock refuses a history with tool blocks unless toolConfig declares their tools
  if (!tools.length && historyHasTools(request)) {
    const named = [...new Set(request.messages.flatMap((message) => partsOf(message).flatMap((part) => (part.type === 'tool-call' ? [part.name] : part.type === 'tool-result' ? [part.name] : []))))];
    tools = named.map((name) => ({ name, parameters: { type: 'object' } }));
    warnings.push({ feature: 'tools', message: `the conversation holds tool calls and Bedrock needs their tools declared: ${named.join(', ')} sent with an open schema` });
  }

  const reasoning = bedrockReasoning(request, modelId);
  warnings.push(...reasoning.warnings);
  const maxTokens = reasoning.maxTokens ?? request.params.maxTokens;
  const input: ConverseStreamCommandInput = {
    modelId,
    messages: alternate(request.messages.map(convertMessage)),
    ...(system ? { system: [{ text: system }] } : {}),
    inferenceConfig: {
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(!reasoning.dropSampling && request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
      ...(!reasoning.dropSampling && request.params.topP !== undefined ? { topP: request.params.topP } : {}),
    },
    ...(reasoning.additionalModelRequestFields ? { additionalModelRequestFields: reasoning.additionalModelRequestFields as never } : {}),
    ...(tools.length ? { toolConfig: { tools: tools.map(toolSpec), ...(toolChoice ? { toolChoice } : {}) } } : {}),
    ...(outputConfig ? { outputConfig } : {}),
  };
  return { input, warnings, structuredOutput, answerTool };
}

const toolSpec = (tool: ToolDefinition): Tool => ({
  toolSpec: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), inputSchema: { json: tool.parameters as never } },
});

function convertMessage(message: ChatRequest['messages'][number]): Message {
  const content = partsOf(message).flatMap((part): ContentBlock[] => {
    switch (part.type) {
      case 'text': return part.text ? [{ text: part.text }] : [];
      case 'image': {
        const format = IMAGE_FORMATS[part.mediaType.toLowerCase()];
        return format && part.data ? [{ image: { format, source: { bytes: Buffer.from(part.data, 'base64') } } }] : [];
      }
      // Bedrock wants an earlier turn's reasoning back exactly as it came: its signature, or the redacted block
      case 'reasoning':
        if (part.redactedData) return [{ reasoningContent: { redactedContent: Buffer.from(part.redactedData, 'base64') } }];
        return part.signature ? [{ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } }] : [];
      case 'tool-call': return [{ toolUse: { toolUseId: part.id, name: part.name, input: part.arguments as never } }];
      case 'tool-result': return [{ toolResult: { toolUseId: part.toolCallId, content: [{ text: part.content }], status: part.isError ? 'error' : 'success' } }];
    }
  });
  // tool results travel inside a user message on Bedrock
  return { role: message.role === 'assistant' ? 'assistant' : 'user', content };
}

/** Bedrock wants user and assistant turns to alternate: neighbours of one role become one message. */
function alternate(messages: Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last && last.role === message.role) last.content = [...(last.content ?? []), ...(message.content ?? [])];
    else merged.push({ ...message, content: [...(message.content ?? [])] });
  }
  return merged;
}
