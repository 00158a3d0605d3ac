/**
 * What a cloud's schema dialect would refuse, found before sending and named with its JSON pointer: keywords it does
 * not take, OpenAI's strict-mode rules (every property required, `additionalProperties: false` on every object),
 * `$ref` with siblings, and references that point nowhere or only at themselves. Pure; each cloud names its rules.
 */
import type { JsonSchema } from '../core/request/chatRequest';

export interface SchemaProblem {
  /** JSON pointer of the failing place, "" for the root. */
  pointer: string;
  message: string;
}

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
const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

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

/** A local `$ref` must point at a schema, and a chain of references must end in one (not loop back to itself). */
function checkReferences(root: JsonSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const resolve = (ref: string): unknown => {
    if (!ref.startsWith('#')) return undefined;
    return ref.slice(1).split('/').filter(Boolean).map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), root);
  };
  const visit = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((child, index) => visit(child, `${pointer}/${index}`));
      return;
    }
    const ref = (node as Record<string, unknown>).$ref;
    if (typeof ref === 'string') {
      if (!ref.startsWith('#')) problems.push({ pointer, message: `"$ref": "${ref}" points outside the schema: only local references ("#/…") can be sent` });
      else {
        const seen = new Set<string>([ref]);
        let target = resolve(ref);
        while (target && typeof (target as Record<string, unknown>).$ref === 'string' && Object.keys(target as object).length === 1) {
          const next = (target as Record<string, string>).$ref!;
          if (seen.has(next)) {
            problems.push({ pointer, message: `"$ref": "${ref}" is a cycle of references with no schema in it (${[...seen, next].join(' → ')})` });
            target = undefined;
            break;
          }
          seen.add(next);
          target = resolve(next);
        }
        if (target === undefined && !problems.some((problem) => problem.pointer === pointer)) problems.push({ pointer, message: `"$ref": "${ref}" points at nothing in the schema` });
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples') visit(child, `${pointer}/${escape(key)}`);
  };
  visit(root, '');
  return problems;
}

/** "/properties/tags/additionalProperties: … ; /…: …" for a warning or an error. */
export const describeProblems = (problems: SchemaProblem[], limit = 3): string =>
  problems.slice(0, limit).map((problem) => `${problem.pointer || '/'}: ${problem.message}`).join('; ') + (problems.length > limit ? `; and ${problems.length - limit} more` : '');
