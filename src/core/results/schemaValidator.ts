/**
 * Validates a parsed answer against a JSON Schema with ajv. A lazily loaded chunk: only a run that asked for a schema
 * loads ajv. Compiled validators are kept per schema text, so a repeated run compiles once.
 */
import Ajv, { type ValidateFunction } from 'ajv';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction | Error>();

/** Null when valid; otherwise each error as "/pointer: message" (the root is "/"). */
export function validateAgainst(schema: Record<string, unknown>, value: unknown): string[] | null {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      validate = error as Error;
    }
    if (compiled.size > 100) compiled.clear();
    compiled.set(key, validate);
  }
  if (validate instanceof Error) return [`/: the schema itself could not be used (${validate.message})`];
  if (validate(value)) return null;
  return (validate.errors ?? []).map((error) => {
    const detail = error.keyword === 'additionalProperties' ? ` ('${String((error.params as { additionalProperty?: string }).additionalProperty)}')` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${detail}`;
  });
}
