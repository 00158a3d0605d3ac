/**
 * References inside a JSON Schema, checked before anything is sent: a local `$ref` must point at a schema, and a chain
 * of references must end in one rather than loop back to itself. No cloud takes such a schema, so it is the request's
 * mistake, named with the JSON pointer of the `$ref`. Pure.
 */
import type { JsonSchema } from './chatRequest';

export interface SchemaProblem {
  /** JSON pointer of the failing place, "" for the root. */
  pointer: string;
  message: string;
}

/** A key as one JSON-pointer segment (RFC 6901). */
export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** A local `$ref` must point at a schema, and a chain of references must end in one (not loop back to itself). */
export function checkReferences(root: JsonSchema): SchemaProblem[] {
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
    for (const [key, child] of Object.entries(node)) if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples') visit(child, `${pointer}/${escapePointer(key)}`);
  };
  visit(root, '');
  return problems;
}

