/**
 * Checks a setting's value against the JSON schema the manifest declares for it (type, minimum, maximum,
 * enum). VS Code shows schema mistakes in settings.json but hands the raw value to the extension anyway:
 * a wrong value becomes the default plus one sentence naming the setting, what it holds and what it takes.
 */

export interface SettingSchema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  pattern?: string;
  patternErrorMessage?: string;
  default?: unknown;
}

export type SettingCheck<T> = { value: T; problem?: undefined } | { value: T; problem: string };

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function expected(schema: SettingSchema): string {
  if (schema.enum) return `one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`;
  if (schema.patternErrorMessage) return schema.patternErrorMessage.replace(/^An? /, 'an ').replace(/\.$/, '');
  const types = ([] as string[]).concat(schema.type ?? []);
  const nullable = types.includes('null') ? ' (or null)' : '';
  const range = schema.minimum !== undefined && schema.maximum !== undefined ? ` from ${schema.minimum} to ${schema.maximum}`
    : schema.minimum !== undefined ? ` of at least ${schema.minimum}` : schema.maximum !== undefined ? ` of at most ${schema.maximum}` : '';
  if (types.includes('integer')) return `a whole number${range}${nullable}`;
  if (types.includes('number')) return `a number${range}${nullable}`;
  if (types.includes('boolean')) return 'true or false';
  if (types.includes('string')) return `text${nullable}`;
  if (types.includes('array')) return 'a list';
  return 'a valid value';
}

function matchesType(value: unknown, types: string[]): boolean {
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case 'null': return value === null;
      case 'integer': return typeof value === 'number' && Number.isInteger(value);
      case 'number': return typeof value === 'number' && Number.isFinite(value);
      case 'boolean': return typeof value === 'boolean';
      case 'string': return typeof value === 'string';
      case 'array': return Array.isArray(value);
      case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
      default: return true;
    }
  });
}

/** `value` if the schema accepts it, else the schema's default with a sentence a person can act on. */
export function checkSetting<T>(name: string, schema: SettingSchema, value: unknown, fallback: T): SettingCheck<T> {
  if (value === undefined) return { value: fallback };
  const types = ([] as string[]).concat(schema.type ?? []);
  const inRange = typeof value !== 'number'
    || ((schema.minimum === undefined || value >= schema.minimum) && (schema.maximum === undefined || value <= schema.maximum));
  const inEnum = !schema.enum || schema.enum.includes(value);
  const fitsPattern = typeof value !== 'string' || !schema.pattern || new RegExp(schema.pattern, 'u').test(value);
  if (matchesType(value, types) && inRange && inEnum && fitsPattern) return { value: value as T };
  return {
    value: fallback,
    problem: `The setting "${name}" is ${shown(value)}, but it takes ${expected(schema)}. Using ${shown(fallback)} until it is fixed.`,
  };
}
