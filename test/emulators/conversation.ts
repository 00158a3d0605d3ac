/**
 * How an emulated model answers a conversation, whatever the cloud: when tools are offered and the user spoke last it
 * calls one (the forced one, else the first) with arguments made from the tool's schema; after a tool result it
 * answers in words that use the result; asked for JSON it answers JSON that follows the schema (or, with the
 * `jsonInvalid` knob, misses a required property). Each emulator reads its own wire into a ConversationRequest and
 * writes the plan back in its own wire shape.
 */
import { answerTokens, type Behaviour } from './behaviour';

type Schema = Record<string, unknown>;

export interface ConversationRequest {
  tools: Array<{ name: string; parameters?: unknown }>;
  /** 'auto', 'none', 'any', or a tool's name. */
  toolChoice: string;
  /** The last message is a tool result: its tool's name and text. */
  toolResult: { name: string; text: string } | null;
  /** The answer's schema (a native schema field, a forced tool's input, or the one named in an instruction). */
  schema: Schema | null;
  json: boolean;
}

export type AnswerPlan =
  | { kind: 'text'; tokens: string[] }
  | { kind: 'tool-call'; name: string; argumentFragments: string[] };

/** The schema Fanout's instruction mode writes into the system prompt, when there is one. */
export function instructedSchema(system: string): { json: boolean; schema: Schema | null } {
  const match = /Answer with one JSON value only[^\n]*?(?:JSON Schema:\n([\s\S]*))?$/.exec(system);
  if (!match) return { json: false, schema: null };
  try {
    return { json: true, schema: match[1] ? (JSON.parse(match[1]) as Schema) : null };
  } catch {
    return { json: true, schema: null };
  }
}

export function planAnswer(request: ConversationRequest, behaviour: Behaviour, who: string): AnswerPlan {
  if (behaviour.ignoreFormat) return { kind: 'text', tokens: answerTokens(behaviour, who) };
  if (behaviour.callTool || behaviour.toolArguments !== undefined) {
    const name = behaviour.callTool ?? request.tools[0]?.name ?? 'unknown_tool';
    return { kind: 'tool-call', name, argumentFragments: fragments(behaviour.toolArguments ?? JSON.stringify(exampleOf(toolSchema(request, name)))) };
  }
  if (request.tools.length && request.toolChoice !== 'none' && !request.toolResult) {
    const name = request.tools.some((tool) => tool.name === request.toolChoice) ? request.toolChoice : request.tools[0]!.name;
    return { kind: 'tool-call', name, argumentFragments: fragments(JSON.stringify(exampleOf(toolSchema(request, name)))) };
  }
  // a set `text` is the plain answer: conversations with tools and JSON answers are made from the request
  if (request.toolResult) {
    return { kind: 'text', tokens: `[${who}] The ${request.toolResult.name} tool says: ${request.toolResult.text.slice(0, 80)}`.split(/(?= )/) };
  }
  if (request.json) {
    const value = request.schema ? exampleOf(request.schema, request.schema) : { answer: `[${who}] Fanout` };
    if (behaviour.jsonInvalid && request.schema && typeof value === 'object' && value !== null) {
      const required = (request.schema.required as string[] | undefined)?.[0];
      if (required) delete (value as Record<string, unknown>)[required];
    }
    return { kind: 'text', tokens: fragments(JSON.stringify(value)) };
  }
  return { kind: 'text', tokens: answerTokens(behaviour, who) };
}

const toolSchema = (request: ConversationRequest, name: string): Schema => (request.tools.find((tool) => tool.name === name)?.parameters as Schema | undefined) ?? { type: 'object' };

/** JSON text streamed in pieces of about eight characters, as models stream arguments. */
function fragments(text: string): string[] {
  return text.match(/[\s\S]{1,8}/g) ?? [''];
}

const HINTS: Array<[RegExp, unknown]> = [[/city|location|place/i, 'Paris'], [/date/i, '2026-11-27'], [/email/i, 'ada@example.com'], [/query|question|text/i, 'fanout'], [/unit/i, 'celsius']];

/** A value that follows the schema: every property, enums and consts honoured, numbers at their minimum. */
export function exampleOf(schema: unknown, root: unknown = schema, name = '', depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 6) return null;
  const node = schema as Schema;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    const target = node.$ref.slice(1).split('/').filter(Boolean).reduce<unknown>((at, part) => (at as Schema | undefined)?.[part], root);
    return exampleOf(target, root, name, depth + 1);
  }
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  const options = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) return exampleOf(options[0], root, name, depth + 1);
  const type = Array.isArray(node.type) ? node.type.find((candidate) => candidate !== 'null') : node.type;
  if (type === 'object' || node.properties) {
    return Object.fromEntries(Object.entries((node.properties as Record<string, unknown> | undefined) ?? {}).map(([key, child]) => [key, exampleOf(child, root, key, depth + 1)]));
  }
  if (type === 'array') return [exampleOf(node.items, root, name, depth + 1)];
  if (type === 'integer') return typeof node.minimum === 'number' ? Math.ceil(node.minimum) : 1;
  if (type === 'number') return typeof node.minimum === 'number' ? node.minimum : 1.5;
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  return HINTS.find(([pattern]) => pattern.test(name))?.[1] ?? 'example';
}
