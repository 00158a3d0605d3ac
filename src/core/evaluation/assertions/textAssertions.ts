/** Assertions on the answer's text: equals, contains, icontains, contains-any/-all (and their i- forms), starts-with, regex. */
import { excerpt, inputError, textValue, type AssertionKind, type RawAssertion } from './assertion';

const quoted = (text: string): string => JSON.stringify(text);

/** promptfoo's list values: a YAML list, or one text split on commas. */
function listValue(raw: RawAssertion, where: string): string[] {
  const items = Array.isArray(raw.value) ? raw.value : typeof raw.value === 'string' ? raw.value.split(',').map((item) => item.trim()) : null;
  if (!items || !items.length || items.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
    throw inputError(where, 'value', `${raw.type} needs a list of texts — write value: ["first", "second"] or "first, second"`);
  }
  return items.map(String);
}

export const equals: AssertionKind<{ expected: string; json: unknown }> = {
  prepare: (raw, { where }) => {
    if (raw.value !== null && typeof raw.value === 'object') return { expected: JSON.stringify(raw.value), json: raw.value };
    return { expected: textValue(raw, where), json: undefined };
  },
  check: ({ expected, json }, { result }) => {
    if (json !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(result.text);
      } catch {
        return { pass: false, reason: `the answer is not JSON, so it cannot equal ${expected}` };
      }
      const same = JSON.stringify(sorted(parsed)) === JSON.stringify(sorted(json));
      return { pass: same, reason: same ? 'the answer equals the expected JSON' : `the answer's JSON differs from ${expected}` };
    }
    const same = result.text === expected;
    return { pass: same, reason: same ? `the answer equals ${quoted(expected)}` : `the answer ${excerpt(result.text)} is not ${quoted(expected)}` };
  },
};

/** The same JSON value with object keys in order, so key order does not make two values differ. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
  return value;
}

function containing(ignoreCase: boolean): AssertionKind<string> {
  return {
    prepare: (raw, { where }) => textValue(raw, where),
    check: (expected, { result }) => {
      const found = ignoreCase ? result.text.toLowerCase().includes(expected.toLowerCase()) : result.text.includes(expected);
      return { pass: found, reason: `the answer ${found ? 'contains' : 'does not contain'} ${quoted(expected)}${ignoreCase ? ' (ignoring case)' : ''}` };
    },
  };
}

function containingList(mode: 'any' | 'all', ignoreCase: boolean): AssertionKind<string[]> {
  return {
    prepare: (raw, { where }) => listValue(raw, where),
    check: (expected, { result }) => {
      const text = ignoreCase ? result.text.toLowerCase() : result.text;
      const found = expected.filter((item) => text.includes(ignoreCase ? item.toLowerCase() : item));
      const missing = expected.filter((item) => !found.includes(item));
      const pass = mode === 'any' ? found.length > 0 : missing.length === 0;
      const reason = found.length === 0 ? `the answer contains none of ${expected.map(quoted).join(', ')}`
        : missing.length === 0 ? `the answer contains every one of ${expected.map(quoted).join(', ')}`
        : `the answer contains ${found.map(quoted).join(', ')} but not ${missing.map(quoted).join(', ')}`;
      return { pass, reason: ignoreCase ? `${reason} (ignoring case)` : reason };
    },
  };
}

export const contains = containing(false);
export const icontains = containing(true);
export const containsAny = containingList('any', false);
export const containsAll = containingList('all', false);
export const icontainsAny = containingList('any', true);
export const icontainsAll = containingList('all', true);

export const startsWith: AssertionKind<string> = {
  prepare: (raw, { where }) => textValue(raw, where),
  check: (expected, { result }) => {
    const pass = result.text.startsWith(expected);
    return { pass, reason: pass ? `the answer starts with ${quoted(expected)}` : `the answer starts ${excerpt(result.text.slice(0, expected.length + 20))}, not ${quoted(expected)}` };
  },
};

export const regex: AssertionKind<RegExp> = {
  prepare: (raw, { where }) => {
    const source = textValue(raw, where);
    try {
      return new RegExp(source);
    } catch (error) {
      throw inputError(where, 'value', `the regex ${quoted(source)} does not compile (${(error as Error).message.replace(/^Invalid regular expression: /, '')}) — fix the pattern (YAML: single-quote it so backslashes stay)`);
    }
  },
  check: (pattern, { result }) => {
    const pass = pattern.test(result.text);
    return { pass, reason: `the answer ${pass ? 'matches' : 'does not match'} /${pattern.source}/` };
  },
};
