/**
 * What the tools editor and the schema editor accept, checked as the person types: JSON that parses (the place of
 * a syntax error named by line and column), then the shape, each problem named with its JSON pointer. Pure: no DOM,
 * so plain-node tests run it. The host checks again (the webview is untrusted); ajv checks arguments on the host.
 */
import { MAX_SCHEMA_CHARS, MAX_TOOLS } from '../protocolLimits';

export interface ToolInput {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

export type Checked<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses JSON; a syntax error says where (line and column) as well as what. */
export function parseJson(text: string): Checked<unknown> {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    if (!position || /line \d+/.test(message)) return { problem: `is not JSON: ${message}` };
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return { problem: `is not JSON: ${message} (line ${line}, column ${before.length - before.lastIndexOf('\n')})` };
  }
}

/** The problem with a tool's parameters (a JSON Schema of an object), at `at`. */
function parametersProblem(parameters: unknown, at: string): string | undefined {
  if (parameters === undefined) return `${at}: is required: a JSON Schema such as {"type": "object", "properties": {}}`;
  if (!isObject(parameters)) return `${at}: must be an object (a JSON Schema)`;
  if (parameters.type !== 'object') return `${at}/type: must be "object" (a tool takes an object of arguments)`;
  if (parameters.properties !== undefined && !isObject(parameters.properties)) return `${at}/properties: must be an object`;
  const required = parameters.required;
  if (required === undefined) return undefined;
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string')) return `${at}/required: must be an array of property names`;
  const properties = isObject(parameters.properties) ? parameters.properties : {};
  const missing = required.findIndex((name) => !(name in properties));
  return missing >= 0 ? `${at}/required/${missing}: "${String(required[missing])}" is not in properties` : undefined;
}

/** The tools as typed: empty is no tools; else a JSON array of {name, description, parameters}. */
export function checkTools(text: string): Checked<ToolInput[]> {
  if (!text.trim()) return { value: [] };
  if (text.length > MAX_SCHEMA_CHARS * 4) return { problem: `are longer than ${MAX_SCHEMA_CHARS * 4} characters` };
  const parsed = parseJson(text);
  if (parsed.problem !== undefined) return parsed;
  if (!Array.isArray(parsed.value)) return { problem: '/: must be a JSON array of {name, description, parameters}' };
  if (parsed.value.length > MAX_TOOLS) return { problem: `/: offers ${parsed.value.length} tools; at most ${MAX_TOOLS}` };
  const names = new Set<string>();
  for (const [index, tool] of parsed.value.entries()) {
    const at = `/${index}`;
    if (!isObject(tool)) return { problem: `${at}: must be an object {name, description, parameters}` };
    const extra = Object.keys(tool).find((key) => !['name', 'description', 'parameters'].includes(key));
    if (extra !== undefined) return { problem: `${at}/${extra}: is not a tool field (name, description, parameters)` };
    if (typeof tool.name !== 'string') return { problem: `${at}/name: is required: letters, digits, _ and -` };
    if (!TOOL_NAME.test(tool.name)) return { problem: `${at}/name: "${tool.name.slice(0, 80)}" is not a tool name (letters, digits, _ and -, at most 64)` };
    if (names.has(tool.name)) return { problem: `${at}/name: ${tool.name} is named twice` };
    names.add(tool.name);
    if (tool.description !== undefined && typeof tool.description !== 'string') return { problem: `${at}/description: must be a string` };
    const problem = parametersProblem(tool.parameters, `${at}/parameters`);
    if (problem) return { problem };
    if (JSON.stringify(tool.parameters).length > MAX_SCHEMA_CHARS) return { problem: `${at}/parameters: is longer than ${MAX_SCHEMA_CHARS} characters of JSON` };
  }
  return { value: parsed.value as ToolInput[] };
}

/** The answer's schema as typed: a JSON object. */
export function checkSchema(text: string): Checked<Record<string, unknown>> {
  if (!text.trim()) return { problem: 'is empty: write the JSON Schema the answer must follow' };
  const parsed = parseJson(text);
  if (parsed.problem !== undefined) return parsed;
  if (!isObject(parsed.value)) return { problem: '/: must be a JSON object (a JSON Schema)' };
  if (JSON.stringify(parsed.value).length > MAX_SCHEMA_CHARS) return { problem: `is longer than ${MAX_SCHEMA_CHARS} characters of JSON` };
  return { value: parsed.value };
}

export const isToolName = (name: string): boolean => TOOL_NAME.test(name);

/** Tools to start from. */
export const TOOL_PRESETS: Record<string, ToolInput> = {
  get_weather: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city, e.g. Paris' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
  search_docs: {
    name: 'search_docs',
    description: 'Searches the product documentation and returns the best passages.',
    parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10 } }, required: ['query'] },
  },
  calculator: {
    name: 'calculator',
    description: 'Evaluates an arithmetic expression.',
    parameters: { type: 'object', properties: { expression: { type: 'string', description: 'e.g. 12 * (3 + 4)' } }, required: ['expression'] },
  },
};

/** A schema to start from. */
export const SCHEMA_PRESET = {
  type: 'object',
  properties: { city: { type: 'string' }, temperatureC: { type: 'number' }, summary: { type: 'string' } },
  required: ['city', 'temperatureC', 'summary'],
  additionalProperties: false,
};
