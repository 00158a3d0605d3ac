/**
 * Every assertion type Fanout runs, each with its `not-` form. A type not here is named in an input error, never
 * skipped: a promptfoo file that uses only these runs unchanged.
 */
import { closest } from '../../config/closest';
import { inputError, type AssertionKind, type PrepareContext, type PreparedAssertion, type RawAssertion } from './assertion';
import { containsJson, isJson, jsonSchema } from './jsonAssertions';
import { javascript } from './javascriptAssertion';
import { cost, latency, ttft } from './metricAssertions';
import { llmRubric } from './rubricAssertion';
import { contains, containsAll, containsAny, equals, icontains, icontainsAll, icontainsAny, regex, startsWith } from './textAssertions';
import { toolCall } from './toolCallAssertion';

export const ASSERTION_KINDS: Readonly<Record<string, AssertionKind<unknown>>> = {
  equals, contains, icontains, 'contains-any': containsAny, 'contains-all': containsAll, 'icontains-any': icontainsAny, 'icontains-all': icontainsAll,
  'starts-with': startsWith, regex, 'is-json': isJson, 'contains-json': containsJson, 'json-schema': jsonSchema, 'tool-call': toolCall,
  latency, ttft, cost, javascript, 'llm-rubric': llmRubric,
} as unknown as Record<string, AssertionKind<unknown>>;

export const ASSERTION_TYPES = Object.keys(ASSERTION_KINDS);

/** Checks and prepares one assertion; an unknown type, a missing value or one that cannot work is an input error. */
export async function prepareAssertion(raw: RawAssertion, context: PrepareContext): Promise<PreparedAssertion> {
  const negate = raw.type.startsWith('not-');
  const base = negate ? raw.type.slice(4) : raw.type;
  const kind = ASSERTION_KINDS[base];
  if (!kind) {
    const guess = closest(raw.type, [...ASSERTION_TYPES, ...ASSERTION_TYPES.map((type) => `not-${type}`)]);
    throw inputError(context.where, 'type', `"${raw.type}" is not an assertion type Fanout supports — ${guess ? `did you mean "${guess}"? ` : ''}supported: ${ASSERTION_TYPES.join(', ')} (each also as not-…)`);
  }
  return { type: raw.type, negate, kind, prepared: await kind.prepare(raw, context) };
}
