/**
 * What a JSON answer holds and whether it follows the asked schema: the parsed value (null when the answer is not
 * JSON), valid or not, and each error with the JSON pointer of the failing place. The validator loads on first use.
 */
import { schemaOf, wantsJson, type ChatRequest } from '../request/chatRequest';

export interface StructuredCheck {
  json: unknown;
  /** null when no schema was asked and the answer is JSON. */
  schemaValid: boolean | null;
  schemaErrors: string[];
}

export const NO_STRUCTURED_CHECK: StructuredCheck = { json: null, schemaValid: null, schemaErrors: [] };

/** The answer's JSON: the whole text, or the inside of one ```json fence around it (instruction-mode answers often add one). */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  if (!body) return { ok: false, reason: 'the answer is empty' };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, reason: `the answer is not JSON (${(error as Error).message})` };
  }
}

export async function checkStructuredOutput(text: string, request: ChatRequest): Promise<StructuredCheck> {
  if (!wantsJson(request)) return NO_STRUCTURED_CHECK;
  const parsed = parseJsonAnswer(text);
  if (!parsed.ok) return { json: null, schemaValid: false, schemaErrors: [`/: ${parsed.reason}`] };
  const schema = schemaOf(request);
  if (!schema) return { json: parsed.value, schemaValid: null, schemaErrors: [] };
  const { validateAgainst } = await import('./schemaValidator');
  const errors = validateAgainst(schema.schema, parsed.value);
  return { json: parsed.value, schemaValid: errors === null, schemaErrors: errors ?? [] };
}
