/**
 * What a cloud's schema dialect would refuse, found before sending and named with its JSON pointer: keywords it does
 * not take, OpenAI's strict-mode rules (every property required, `additionalProperties: false` on every object),
 * `$ref` with siblings, and references that point nowhere or only at themselves. Pure; each cloud names its rules.
 */
import type { JsonSchema } from '../core/request/chatRequest';
import { checkReferences, escapePointer as escape, type SchemaProblem } from '../core/request/schemaReferences';

export type { SchemaProblem };

export interface SchemaDialect {
  /** Keywords the dialect takes; any other is refused (undefined: every keyword is taken). */
  keywords?: ReadonlySet<string>;
  /** OpenAI strict mode: every object lists all its properties in `required` and sets `additionalProperties: false`. */
  strict?: boolean;
  /** `$ref` must stand alone (OpenAPI-style dialects). */
  refAlone?: boolean;
}

const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];

/** Every problem the dialect finds, in document order. */
export function checkSchema(schema: JsonSchema, dialect: SchemaDialect): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(schema, '', dialect, problems);
  problems.push(...checkReferences(schema));
  return problems;
}

function walk(node: unknown, pointer: string, dialect: SchemaDialect, problems: SchemaProblem[]): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const schema = node as Record<string, unknown>;
  for (const key of Object.keys(schema)) {
    if (dialect.keywords && !dialect.keywords.has(key)) problems.push({ pointer: `${pointer}/${escape(key)}`, message: `"${key}" is not taken here` });
  }
  if (dialect.refAlone && '$ref' in schema && Object.keys(schema).some((key) => key !== '$ref')) {
    problems.push({ pointer, message: '"$ref" must stand alone: move its siblings into the referenced schema' });
  }
  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object')) || 'properties' in schema;
  if (dialect.strict && isObject) {
    if (schema.additionalProperties !== false) problems.push({ pointer, message: 'strict mode needs "additionalProperties": false' });
    const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const optional = properties.filter((name) => !required.has(name));
    if (optional.length) problems.push({ pointer, message: `strict mode needs every property in "required" (missing: ${optional.join(', ')})` });
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (typeof map === 'object' && map !== null) for (const [name, child] of Object.entries(map)) walk(child, `${pointer}/${key}/${escape(name)}`, dialect, problems);
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((child, index) => walk(child, `${pointer}/${key}/${index}`, dialect, problems));
  }
  for (const key of SUBSCHEMAS) if (key in schema) walk(schema[key], `${pointer}/${key}`, dialect, problems);
}

/** "/properties/tags/additionalProperties: … ; /…: …" for a warning or an error. */
export const describeProblems = (problems: SchemaProblem[], limit = 3): string =>
  problems.slice(0, limit).map((problem) => `${problem.pointer || '/'}: ${problem.message}`).join('; ') + (problems.length > limit ? `; and ${problems.length - limit} more` : '');
