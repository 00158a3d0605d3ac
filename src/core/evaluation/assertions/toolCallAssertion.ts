/** `tool-call`: the answer called the named tool, with arguments that hold the given ones (a subset match). */
import { inputError, type AssertionKind } from './assertion';

interface ExpectedCall {
  name: string;
  arguments: Record<string, unknown> | null;
}

/** Whether `actual` holds everything in `expected`: objects key by key, arrays item by item (same length), the rest equal. */
export function holds(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => holds(actual[index], item));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => Object.prototype.hasOwnProperty.call(actual, key) && holds((actual as Record<string, unknown>)[key], value));
  }
  return Object.is(actual, expected);
}

export const toolCall: AssertionKind<ExpectedCall> = {
  prepare: (raw, { where }) => {
    const value = typeof raw.value === 'string' ? { name: raw.value } : raw.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { name?: unknown }).name !== 'string') {
      throw inputError(where, 'value', 'tool-call needs the tool\'s name — write value: { name: get_weather, arguments: { city: Paris } }');
    }
    const { name, arguments: args } = value as { name: string; arguments?: unknown };
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) throw inputError(where, 'value.arguments', 'must be an object of the arguments the call must hold — write arguments: { city: Paris }');
    return { name, arguments: (args as Record<string, unknown> | undefined) ?? null };
  },
  check: (expected, { result }) => {
    const calls = result.toolCalls;
    if (!calls.length) return { pass: false, reason: `the answer made no tool call (expected ${expected.name})` };
    const named = calls.filter((call) => call.name === expected.name);
    const shown = calls.map((call) => `${call.name}(${JSON.stringify(call.arguments)})`).join(', ');
    if (!named.length) return { pass: false, reason: `the answer called ${shown}, not ${expected.name}` };
    if (!expected.arguments || named.some((call) => holds(call.arguments, expected.arguments))) return { pass: true, reason: `the answer called ${shown}` };
    return { pass: false, reason: `the answer called ${shown}, whose arguments do not hold ${JSON.stringify(expected.arguments)}` };
  },
};
