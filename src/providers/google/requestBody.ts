/**
 * A converted request (contents + the SDK's GenerateContentConfig) as the REST GenerateContentRequest a batch input
 * line carries: what the SDK itself sends for generateContent, written out because batch files are not sent through
 * it. Request-level fields stay at the top (system instruction, tools, tool config, safety settings, labels); every
 * other setting goes under generationConfig, where the REST API has it under the same name.
 */
import type { Content, GenerateContentConfig } from '@google/genai';

/** The REST body of one generateContent request. */
export interface GenerateContentRequestBody {
  contents: Content[];
  systemInstruction?: Content;
  tools?: GenerateContentConfig['tools'];
  toolConfig?: GenerateContentConfig['toolConfig'];
  safetySettings?: GenerateContentConfig['safetySettings'];
  cachedContent?: string;
  labels?: Record<string, string>;
  generationConfig: Record<string, unknown>;
}

/** Config keys that only steer the SDK's own call: never on the wire. */
const SDK_ONLY = new Set(['abortSignal', 'httpOptions', 'shouldReturnHttpResponse', 'automaticFunctionCalling']);
const TOP_LEVEL = new Set(['systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'cachedContent', 'labels']);

export function generateContentBody(contents: Content[], config: GenerateContentConfig): GenerateContentRequestBody {
  const body: GenerateContentRequestBody = { contents, generationConfig: {} };
  const generationConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || SDK_ONLY.has(key)) continue;
    if (!TOP_LEVEL.has(key)) generationConfig[key] = value;
    else if (key === 'systemInstruction') body.systemInstruction = typeof value === 'string' ? { role: 'user', parts: [{ text: value }] } : value as Content;
    else (body as unknown as Record<string, unknown>)[key] = value;
  }
  // the SDK always sends generationConfig, empty or not
  body.generationConfig = generationConfig;
  return body;
}
