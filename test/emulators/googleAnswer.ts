/**
 * What the emulated Gemini makes of one generateContent request, on both Google wires: the checks the real APIs make
 * (unknown schema keywords, thinking on models without it, images, the context window), the conversation read from
 * the body, and the answer the planner gives — streamed by google.ts, or whole for a batch output line.
 */
import { randomUUID } from 'node:crypto';
import { promptTokens, type Behaviour } from './behaviour';
import { instructedSchema, planAnswer, reasoningFragments, reasoningTokensFor, type AnswerPlan, type ConversationRequest } from './conversation';
import { geminiImages, mentionImages } from './images';

interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args?: unknown };
  functionResponse?: { name: string; response?: unknown };
}
export interface GenerateContentBody {
  contents?: Array<{ role?: string; parts?: GeminiPart[] }>;
  systemInstruction?: { parts?: GeminiPart[] };
  tools?: Array<{ functionDeclarations?: Array<{ name: string; parameters?: unknown; parametersJsonSchema?: unknown }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  generationConfig?: { responseMimeType?: string; responseJsonSchema?: Record<string, unknown>; responseSchema?: Record<string, unknown>; thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean } };
}

/** Keywords Gemini's JSON Schema subset takes; any other is refused with "Unknown name". */
const SCHEMA_KEYWORDS = new Set(['$id', '$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems', 'minItems', 'maxItems',
  'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering', 'nullable']);

function unknownKeyword(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null) return null;
  if (Array.isArray(schema)) return schema.map(unknownKeyword).find((name) => name !== null) ?? null;
  for (const [key, child] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key)) return key;
    const inner = key === 'enum' || key === 'required' ? null : key === 'properties' || key === '$defs' ? Object.values(child as object).map(unknownKeyword).find((name) => name !== null) ?? null : unknownKeyword(child);
    if (inner) return inner;
  }
  return null;
}

/** What the Gemini API and Vertex AI refuse, in their words; null when they take it. */
export function refusedRequest(body: GenerateContentBody, model: string): string | null {
  const config = body.generationConfig ?? {};
  if (config.thinkingConfig && !/^gemini-(2\.5|3)/.test(model)) return 'Thinking is not supported for this model.';
  if (config.thinkingConfig?.thinkingLevel && !/^gemini-3/.test(model)) return 'Thinking level is not supported for this model. Please retry with a thinking budget instead.';
  const declarations = (body.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  if (declarations.length && config.responseMimeType === 'application/json') return "Function calling with a response mime type: 'application/json' is unsupported";
  const schemaKeyword = unknownKeyword(config.responseJsonSchema ?? config.responseSchema);
  if (schemaKeyword) return `Invalid JSON payload received. Unknown name "${schemaKeyword}" at 'generation_config.response_schema': Cannot find field.`;
  for (const [index, declaration] of declarations.entries()) {
    const keyword = unknownKeyword(declaration.parametersJsonSchema ?? declaration.parameters);
    if (keyword) return `Invalid JSON payload received. Unknown name "${keyword}" at 'tools[0].function_declarations[${index}].parameters': Cannot find field.`;
  }
  return null;
}

/** The conversation as the emulated model sees it. */
export function conversationOf(body: GenerateContentBody): ConversationRequest {
  const last = body.contents?.at(-1);
  const result = last?.role !== 'model' ? last?.parts?.find((part) => part.functionResponse)?.functionResponse : undefined;
  const calling = body.toolConfig?.functionCallingConfig;
  const instructed = instructedSchema((body.systemInstruction?.parts ?? []).map((part) => part.text ?? '').join('\n'));
  const json = body.generationConfig?.responseMimeType === 'application/json';
  return {
    tools: (body.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []).map((declaration) => ({ name: declaration.name, parameters: declaration.parametersJsonSchema ?? declaration.parameters })),
    toolChoice: calling?.mode === 'NONE' ? 'none' : calling?.allowedFunctionNames?.[0] ?? (calling?.mode === 'ANY' ? 'any' : 'auto'),
    toolResult: result ? { name: result.name, text: JSON.stringify(result.response ?? {}) } : null,
    schema: json ? body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema ?? null : instructed.schema,
    json: json || instructed.json,
  };
}

export interface PreparedAnswer {
  inputTokens: number;
  plan: AnswerPlan;
  reasoning: { text: string[]; tokens: number } | null;
}

/** The request's answer plan, or the 400 the real API gives it (its message). */
export function prepareAnswer(body: GenerateContentBody, model: string, behaviour: Behaviour, contextTokens = 1_048_576): PreparedAnswer | { problem: string } {
  const refused = refusedRequest(body, model);
  if (refused) return { problem: refused };
  const images = geminiImages(body.contents);
  if (images.problem) return { problem: images.problem };
  const prompt = [...(body.systemInstruction?.parts ?? []), ...(body.contents ?? []).flatMap((content) => content.parts ?? [])].map((part) => part.text ?? (part.functionResponse ? JSON.stringify(part.functionResponse.response) : '')).join('\n');
  const inputTokens = promptTokens(prompt);
  if (inputTokens > contextTokens) return { problem: `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${contextTokens}).` };
  const conversation = conversationOf(body);
  const thinking = body.generationConfig?.thinkingConfig;
  const reasoning = thinking ? { text: thinking.includeThoughts ? reasoningFragments(model, conversation) : [], tokens: reasoningTokensFor(thinking.thinkingLevel?.toLowerCase(), thinking.thinkingBudget) } : null;
  return { inputTokens, plan: mentionImages(planAnswer(conversation, behaviour, model), images.count), reasoning };
}

/** The whole GenerateContentResponse (as a batch output line holds it), or the error status the line gets. */
export function wholeAnswer(body: GenerateContentBody, model: string, behaviour: Behaviour, vertex: boolean): { response: Record<string, unknown> } | { error: { code: number; message: string; status: string } } {
  const prepared = prepareAnswer(body, model, behaviour);
  if ('problem' in prepared) return { error: { code: 400, message: prepared.problem, status: 'INVALID_ARGUMENT' } };
  const { plan, reasoning, inputTokens } = prepared;
  const call = plan.kind === 'tool-call' ? plan : null;
  const text = plan.kind === 'text' ? plan.tokens.join('') : '';
  const parts = [
    ...(reasoning?.text.length ? [{ text: reasoning.text.join(''), thought: true }] : []),
    ...(call ? [{ functionCall: { name: call.name, args: JSON.parse(call.argumentFragments.join('') || '{}') as unknown } }] : [{ text }]),
  ];
  const outputTokens = plan.kind === 'text' ? plan.tokens.length : plan.argumentFragments.length;
  return {
    response: {
      candidates: [{ content: { role: 'model', parts }, finishReason: behaviour.contentFilter ? 'SAFETY' : behaviour.finishLength ? 'MAX_TOKENS' : 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: inputTokens,
        candidatesTokenCount: outputTokens,
        ...(reasoning ? { thoughtsTokenCount: reasoning.tokens } : {}),
        totalTokenCount: inputTokens + outputTokens + (reasoning?.tokens ?? 0),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }],
      },
      modelVersion: model,
      responseId: randomUUID().replace(/-/g, '').slice(0, 22),
      ...(vertex ? { createTime: new Date().toISOString() } : {}),
    },
  };
}
