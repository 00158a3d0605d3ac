/**
 * A ChatRequest as generateContent's contents and config: assistant turns are "model", tool calls `functionCall`
 * parts, tool results `functionResponse` parts in a user turn, the system prompt systemInstruction, tools as function
 * declarations with a JSON Schema, tool choice as functionCallingConfig, and a schema as responseJsonSchema — checked
 * first against what Gemini's schema dialect takes, with a warning naming (by JSON pointer) what it would refuse.
 */
import type { Content, FunctionCallingConfigMode, GenerateContentConfig, Part } from '@google/genai';
import { partsOf, schemaOf, type ChatRequest, type JsonSchema } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { checkSchema, describeProblems, type SchemaDialect } from '../schemaDialect';
import { systemWithJsonInstruction } from '../structuredInstruction';
import { geminiReasoning } from './reasoning';

/** The JSON Schema subset Gemini's responseJsonSchema and parametersJsonSchema take; any other keyword is a 400 "Unknown name". */
export const GEMINI_SCHEMA: SchemaDialect = {
  keywords: new Set(['$id', '$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems', 'minItems', 'maxItems',
    'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering', 'nullable']),
};

export interface ConvertedGenerateContent {
  contents: Content[];
  config: GenerateContentConfig;
  warnings: Array<{ feature: string; message: string }>;
  structuredOutput: StructuredOutputMode | null;
}

const MODES: Record<'auto' | 'none' | 'required', `${FunctionCallingConfigMode}`> = { auto: 'AUTO', none: 'NONE', required: 'ANY' };

export function convertRequest(request: ChatRequest, abortSignal: AbortSignal, model = ''): ConvertedGenerateContent {
  const warnings: ConvertedGenerateContent['warnings'] = [];
  let system = request.system;
  let structuredOutput: StructuredOutputMode | null = null;
  let jsonConfig: Pick<GenerateContentConfig, 'responseMimeType' | 'responseJsonSchema'> = {};
  const schema = schemaOf(request);
  const tools = request.tools ?? [];
  if (request.responseFormat !== undefined && request.responseFormat !== 'text') {
    const problems = schema ? checkSchema(schema.schema, GEMINI_SCHEMA) : [];
    if (tools.length) {
      warnings.push({ feature: 'responseFormat', message: 'Gemini takes no JSON response type together with function calling: the format was sent as an instruction' });
    } else if (problems.length) {
      warnings.push({ feature: 'responseFormat', message: `Gemini's responseJsonSchema would refuse this schema (${describeProblems(problems)}): it was sent as an instruction instead` });
    } else {
      jsonConfig = { responseMimeType: 'application/json', ...(schema ? { responseJsonSchema: schema.schema } : {}) };
      structuredOutput = 'native';
    }
    if (!structuredOutput) {
      system = systemWithJsonInstruction(request);
      structuredOutput = 'instruction';
    }
  }
  const declarations = tools.map((tool) => {
    const problems = checkSchema(tool.parameters, GEMINI_SCHEMA);
    if (problems.length) warnings.push({ feature: 'tools', message: `tool "${tool.name}": Gemini would refuse ${describeProblems(problems)}; those keywords were left out` });
    return { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parametersJsonSchema: problems.length ? withoutKeywords(tool.parameters, GEMINI_SCHEMA) : tool.parameters };
  });
  const choice = request.toolChoice;
  const functionCallingConfig = !tools.length || choice === undefined ? undefined
    : typeof choice === 'string' ? { mode: MODES[choice] as FunctionCallingConfigMode }
      : { mode: 'ANY' as FunctionCallingConfigMode, allowedFunctionNames: [choice.name] };
  const reasoning = geminiReasoning(request, model);
  warnings.push(...reasoning.warnings);
  return {
    contents: request.messages.map(convertMessage),
    config: {
      abortSignal,
      ...(system ? { systemInstruction: system } : {}),
      ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
      ...(request.params.topP !== undefined ? { topP: request.params.topP } : {}),
      ...(request.params.maxTokens !== undefined ? { maxOutputTokens: request.params.maxTokens } : {}),
      ...(declarations.length ? { tools: [{ functionDeclarations: declarations }] } : {}),
      ...(functionCallingConfig ? { toolConfig: { functionCallingConfig } } : {}),
      ...jsonConfig,
      ...(reasoning.thinkingConfig ? { thinkingConfig: reasoning.thinkingConfig } : {}),
    },
    warnings,
    structuredOutput,
  };
}

function convertMessage(message: ChatRequest['messages'][number]): Content {
  const parts = partsOf(message).flatMap((part): Part[] => {
    switch (part.type) {
      case 'text': return part.text ? [{ text: part.text }] : [];
      case 'image': return part.data ? [{ inlineData: { mimeType: part.mediaType, data: part.data } }] : [];
      case 'reasoning': return []; // Gemini takes no earlier thoughts back
      case 'tool-call': return [{ functionCall: { name: part.name, args: part.arguments } }];
      case 'tool-result': return [{ functionResponse: { name: part.name, response: responseObject(part.content, part.isError === true) } }];
    }
  });
  return { role: message.role === 'assistant' ? 'model' : 'user', parts };
}

/** A functionResponse must be an object: a JSON object result goes as it is, anything else under "output" (or "error"). */
function responseObject(content: string, isError: boolean): Record<string, unknown> {
  if (!isError) {
    try {
      const parsed: unknown = JSON.parse(content);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // plain text
    }
  }
  return isError ? { error: content } : { output: content };
}

/** The schema with every keyword the dialect does not take removed (tools only: an answer's schema falls back to an instruction). */
function withoutKeywords(node: unknown, dialect: SchemaDialect): JsonSchema {
  const strip = (value: unknown, inSchema: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => strip(item, inSchema));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!inSchema) return Object.fromEntries(entries.map(([key, child]) => [key, strip(child, true)])); // a map of subschemas
    return Object.fromEntries(entries.filter(([key]) => dialect.keywords?.has(key) !== false)
      .map(([key, child]) => [key, key === 'enum' || key === 'required' ? child : strip(child, key !== 'properties' && key !== '$defs')]));
  };
  return strip(node, true) as JsonSchema;
}
