/** Assertions on JSON answers: is-json, contains-json (each with an optional JSON Schema as value) and json-schema. */
import type { JsonSchema } from '../../request/chatRequest';
import { excerpt, inputError, type AssertionKind, type RawAssertion } from './assertion';

type Validate = (schema: JsonSchema, value: unknown) => string[] | null;
const validator = async (): Promise<Validate> => (await import('../../results/schemaValidator')).validateAgainst;

/** An optional schema value, checked to compile now (ajv loads only when a file uses one). */
async function schemaValue(raw: RawAssertion, where: string, required: boolean): Promise<JsonSchema | null> {
  if (raw.value === undefined || raw.value === null || raw.value === '') {
    if (required) throw inputError(where, 'value', `${raw.type} needs a JSON Schema — write value: { type: object, required: [...] }, or set schema: at the top of the file`);
    return null;
  }
  if (typeof raw.value !== 'object' || Array.isArray(raw.value)) throw inputError(where, 'value', `${raw.type} takes a JSON Schema object as its value — write value: { type: object, … }`);
  const schema = raw.value as JsonSchema;
  const problems = (await validator())(schema, null);
  const unusable = problems?.find((problem) => problem.startsWith('/: the schema itself could not be used'));
  if (unusable) throw inputError(where, 'value', `${unusable.slice(3)} — fix the schema`);
  return schema;
}

/** The whole answer as JSON: bare, or as the one fenced block it is wrapped in. */
export function parseWholeJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1]! : trimmed) };
  } catch {
    return { ok: false };
  }
}

/** The first JSON object or array inside the text, wherever it starts. */
export function findJson(text: string): { ok: true; value: unknown } | { ok: false } {
  let tried = 0;
  for (let start = 0; start < text.length && tried < 50; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    tried++;
    const close = open === '{' ? '}' : ']';
    // try each closing bracket from the last one back: the longest value that parses wins
    for (let end = text.lastIndexOf(close); end > start; end = text.lastIndexOf(close, end - 1)) {
      try {
        return { ok: true, value: JSON.parse(text.slice(start, end + 1)) };
      } catch {
        // shorter
      }
    }
  }
  return { ok: false };
}

async function schemaVerdict(schema: JsonSchema | null, value: unknown, what: string): Promise<{ pass: boolean; reason: string }> {
  if (!schema) return { pass: true, reason: `${what} is JSON` };
  const errors = (await validator())(schema, value);
  return errors ? { pass: false, reason: `${what} is JSON but breaks the schema: ${errors.slice(0, 3).join('; ')}` } : { pass: true, reason: `${what} is JSON following the schema` };
}

export const isJson: AssertionKind<JsonSchema | null> = {
  prepare: (raw, { where }) => schemaValue(raw, where, false),
  check: async (schema, { result }) => {
    const parsed = result.json !== null && result.json !== undefined ? { ok: true as const, value: result.json } : parseWholeJson(result.text);
    if (!parsed.ok) return { pass: false, reason: `the answer ${excerpt(result.text, 60)} is not JSON` };
    return schemaVerdict(schema, parsed.value, 'the answer');
  },
};

export const containsJson: AssertionKind<JsonSchema | null> = {
  prepare: (raw, { where }) => schemaValue(raw, where, false),
  check: async (schema, { result }) => {
    const found = findJson(result.text);
    if (!found.ok) return { pass: false, reason: `the answer ${excerpt(result.text, 60)} holds no JSON object or array` };
    return schemaVerdict(schema, found.value, 'the JSON in the answer');
  },
};

/** Fanout's schema check: the value's schema, else the one the request asked the answer to follow. */
export const jsonSchema: AssertionKind<JsonSchema> = {
  prepare: async (raw, { where, responseFormat }) => {
    const asked = typeof responseFormat === 'object' ? responseFormat.schema : null;
    const schema = await schemaValue(raw, where, asked === null);
    return schema ?? asked!;
  },
  check: async (schema, { result }) => {
    const parsed = result.json !== null && result.json !== undefined ? { ok: true as const, value: result.json } : parseWholeJson(result.text);
    if (!parsed.ok) return { pass: false, reason: `the answer ${excerpt(result.text, 60)} is not JSON` };
    return schemaVerdict(schema, parsed.value, 'the answer');
  },
};
