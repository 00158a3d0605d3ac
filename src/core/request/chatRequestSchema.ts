/**
 * The ONE schema of the conversation and tools a person writes (shared/DESIGN.md "CLI beyond text"): a message is
 * `{role, content: "text" | [part…]}`, every part has a `type`, a tool is `{name, description?, parameters}`. The CLI's
 * `--messages`/`--tools` files and prompt files check through it (the playground protocol can too); each mistake comes
 * back with its JSON path and the fix, never as a throw. Pure: no I/O.
 */
import * as z from 'zod/mini';
import { closest } from '../config/closest';
import { describeExpected } from '../config/deployment';
import type { ChatMessage, ContentPart, ToolChoice, ToolDefinition } from './chatRequest';

/** Every cloud takes tool and schema names of this shape (OpenAI's is the narrowest). */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const NAME_HINT = 'use letters, digits, "_" and "-" (at most 64), e.g. "get_weather"';

const jsonObject = z.record(z.string(), z.unknown());

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.strictObject({
  type: z.literal('image'),
  mediaType: z.string().check(z.regex(/^image\/[\w.+-]+$/, 'is not an image media type — use e.g. "image/png" or "image/jpeg"')),
  data: z.optional(z.string()),
  file: z.optional(z.string()),
});
const toolCallPart = z.strictObject({
  type: z.literal('tool-call'),
  id: z.string().check(z.minLength(1, 'is empty — give the id the cloud gave the call, e.g. "call_1"')),
  name: z.string().check(z.regex(NAME, `is not a tool name — ${NAME_HINT}`)),
  arguments: jsonObject,
});
/** An earlier turn's reasoning, as a cloud returned it: the signature (or redacted data) goes back unchanged. */
const reasoningPart = z.strictObject({
  type: z.literal('reasoning'),
  text: z.string(),
  signature: z.optional(z.string()),
  redactedData: z.optional(z.string()),
});
const toolResultPart = z.strictObject({
  type: z.literal('tool-result'),
  toolCallId: z.string().check(z.minLength(1, 'is empty — give the id of the tool call this answers')),
  name: z.string().check(z.regex(NAME, `is not a tool name — ${NAME_HINT}`)),
  content: z.string(),
  isError: z.optional(z.boolean()),
});

export const contentPartSchema = z.discriminatedUnion('type', [textPart, imagePart, reasoningPart, toolCallPart, toolResultPart]);

export const chatMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPartSchema)]),
});

/** Which parts each role may carry: tool calls come from the assistant, their results travel in `tool` messages. */
const PARTS_BY_ROLE: Record<ChatMessage['role'], ReadonlySet<ContentPart['type']>> = {
  user: new Set(['text', 'image']),
  assistant: new Set(['text', 'reasoning', 'tool-call']),
  tool: new Set(['tool-result']),
};
const HOME_OF: Record<ContentPart['type'], string> = {
  text: 'a user or assistant message', image: 'a user message', reasoning: 'an assistant message', 'tool-call': 'an assistant message', 'tool-result': 'a "tool" message',
};

/** The conversation so far, with its rules beyond shape: parts in the right role, each tool result answering an earlier call. */
export const messagesSchema = z.array(chatMessageSchema).check(z.superRefine((messages, context) => {
  const calls = new Map<string, string>();
  messages.forEach((message, index) => {
    if (message.role === 'tool' && typeof message.content === 'string') {
      context.addIssue({ code: 'custom', path: [index, 'content'], message: 'a "tool" message holds tool results — use [{"type": "tool-result", "toolCallId", "name", "content"}]' });
      return;
    }
    if (typeof message.content === 'string') return;
    message.content.forEach((part, at) => {
      const path = [index, 'content', at];
      if (!PARTS_BY_ROLE[message.role].has(part.type)) {
        context.addIssue({ code: 'custom', path: [...path, 'type'], message: `a ${part.type} part cannot be in a "${message.role}" message — move it to ${HOME_OF[part.type]}` });
        return;
      }
      if (part.type === 'image' && (part.data === undefined) === (part.file === undefined)) {
        context.addIssue({ code: 'custom', path, message: 'an image needs exactly one of "data" (base64) or "file" (a path)' });
      } else if (part.type === 'tool-call') {
        if (calls.has(part.id)) context.addIssue({ code: 'custom', path: [...path, 'id'], message: `"${part.id}" is used by an earlier tool call — give each call its own id` });
        calls.set(part.id, part.name);
      } else if (part.type === 'tool-result') {
        const called = calls.get(part.toolCallId);
        if (called === undefined) {
          const known = [...calls.keys()];
          context.addIssue({ code: 'custom', path: [...path, 'toolCallId'], message: `"${part.toolCallId}" answers no tool call earlier in the conversation — ${known.length ? `use the id of one: ${known.map((id) => `"${id}"`).join(', ')}` : 'add the assistant message with that tool-call part before it'}` });
        } else if (called !== part.name) {
          context.addIssue({ code: 'custom', path: [...path, 'name'], message: `"${part.name}" is not the tool call "${part.toolCallId}" made — use "${called}"` });
        }
      }
    });
  });
}));

export const toolDefinitionSchema = z.strictObject({
  name: z.string().check(z.regex(NAME, `is not a tool name — ${NAME_HINT}`)),
  description: z.optional(z.string()),
  /** Optional in files: a tool that takes no arguments gets `{"type": "object", "properties": {}}`. */
  parameters: z.optional(jsonObject.check(z.refine((schema) => schema.type === undefined || schema.type === 'object', 'must describe an object — give a JSON Schema with "type": "object" and its "properties"'))),
});

export const toolsSchema = z.array(toolDefinitionSchema).check(z.superRefine((tools, context) => {
  const seen = new Set<string>();
  tools.forEach((tool, index) => {
    if (seen.has(tool.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${tool.name}" names an earlier tool too — give each tool its own name` });
    seen.add(tool.name);
  });
}));

/** One mistake: where (as a path from the checked value) and what to do instead. */
export interface RequestIssue {
  path: Array<string | number>;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: RequestIssue[] };

/** `$[1].content[0].toolCallId`: a path as JSONPath, from `root`. */
export function jsonPath(path: ReadonlyArray<string | number>, root = '$'): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : /^[A-Za-z_][\w-]*$/.test(key) ? `${text}.${key}` : `${text}[${JSON.stringify(key)}]`), root);
}

export function checkMessages(value: unknown): Checked<ChatMessage[]> {
  if (!Array.isArray(value)) return { ok: false, issues: [{ path: [], message: 'must be a list of messages — write [{"role": "user", "content": "…"}]' }] };
  const parsed = messagesSchema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data as ChatMessage[] } : { ok: false, issues: describeIssues(parsed.error.issues, value, 'messages') };
}

export function checkTools(value: unknown): Checked<ToolDefinition[]> {
  if (!Array.isArray(value)) return { ok: false, issues: [{ path: [], message: 'must be a list of tools — write [{"name": "…", "description": "…", "parameters": {"type": "object", …}}]' }] };
  const parsed = toolsSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error.issues, value, 'tools') };
  return { ok: true, value: parsed.data.map((tool) => ({ ...tool, parameters: tool.parameters ?? { type: 'object', properties: {} } })) };
}

/** `auto`, `none`, `required` or the name of one of the tools. */
export function parseToolChoice(raw: string, tools: readonly ToolDefinition[]): { ok: true; value: ToolChoice } | { ok: false; problem: string } {
  if (raw === 'auto' || raw === 'none' || raw === 'required') return { ok: true, value: raw };
  if (tools.some((tool) => tool.name === raw)) return { ok: true, value: { name: raw } };
  const guess = closest(raw, [...tools.map((tool) => tool.name), 'auto', 'none', 'required']);
  return { ok: false, problem: `"${raw}" is not a tool — ${guess ? `did you mean "${guess}"? ` : ''}use auto, none, required or a tool's name (${tools.map((tool) => tool.name).join(', ') || 'no tools given'})` };
}

/** The schema's name from its file: `person.schema.json` → `person`, in the shape every cloud takes. */
export function schemaNameOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop()!.replace(/\.json$/i, '').replace(/\.schema$/i, '');
  return base.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'response';
}

const FIELDS_OF: Record<string, string[]> = {
  message: Object.keys(chatMessageSchema.shape),
  text: Object.keys(textPart.shape),
  image: Object.keys(imagePart.shape),
  'tool-call': Object.keys(toolCallPart.shape),
  'tool-result': Object.keys(toolResultPart.shape),
  tool: Object.keys(toolDefinitionSchema.shape),
};

const valueAt = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);

type Issue = z.core.$ZodIssue;
type CheckedKind = 'messages' | 'tools';

/** Zod's issues as one line each: the path to the place and what to write there. */
export function describeIssues(issues: readonly Issue[], root: unknown, kind: CheckedKind): RequestIssue[] {
  const described = issues.flatMap((issue) => describeIssue(issue, root, issue.path as Array<string | number>, kind));
  // a misspelt field first: its "did you mean" explains the "missing" that comes with it
  const unknown = (issue: RequestIssue): number => Number(issue.message.startsWith('unknown field'));
  return described.sort((a, b) => unknown(b) - unknown(a));
}

function describeIssue(issue: Issue, root: unknown, path: Array<string | number>, kind: CheckedKind): RequestIssue[] {
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue) {
        const shown = value === undefined ? 'missing' : `${JSON.stringify(value)} is not a part type`;
        return [{ path, message: `${shown} — every part has a "type": ${(issue.options ?? []).map((option) => `"${String(option)}"`).join(', ')}` }];
      }
      // content is "text" or a list of parts: report the branch that got furthest into the value
      const branches = issue.errors.filter((errors) => errors.length > 0);
      const furthest = branches.reduce<Issue[] | undefined>((best, errors) => (!best || depth(errors) > depth(best) ? errors : best), undefined);
      if (furthest && depth(furthest) > 0) return furthest.flatMap((inner) => describeIssue(inner, root, [...path, ...(inner.path as Array<string | number>)], kind));
      return [{ path, message: `${value === undefined ? 'missing' : `must be text or a list of parts, not ${kindOf(value)}`} — write "…" or [{"type": "text", "text": "…"}]` }];
    }
    case 'unrecognized_keys': {
      const known = fieldsFor(root, path, kind);
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        return { path: [...path, key], message: `unknown field "${key}" — ${guess ? `did you mean "${guess}"?` : `known fields: ${known.join(', ')}`}` };
      });
    }
    case 'invalid_type':
      if (value === undefined) return [{ path, message: `missing — add ${String(path.at(-1))} (${describeExpected(issue.expected)})` }];
      return [{ path, message: `must be ${describeExpected(issue.expected === 'record' ? 'object' : issue.expected)}, not ${kindOf(value)}` }];
    case 'invalid_value':
      return [{ path, message: `${JSON.stringify(value)} is not valid — use ${issue.values.map((option) => JSON.stringify(option)).join(', ')}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

const depth = (errors: readonly Issue[]): number => Math.max(0, ...errors.map((error) => error.path.length));

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'text' : `${typeof value} ${JSON.stringify(value)}`;
}

/** The fields the object at `path` may have, for "did you mean": a tool, a message, or a part of the type it names. */
function fieldsFor(root: unknown, path: ReadonlyArray<string | number>, kind: CheckedKind): string[] {
  if (kind === 'tools') return FIELDS_OF.tool!;
  const node = valueAt(root, path) as Record<string, unknown> | undefined;
  if (path.length >= 3 && path[path.length - 2] === 'content' && typeof node?.type === 'string') return FIELDS_OF[node.type] ?? FIELDS_OF.message!;
  return FIELDS_OF.message!;
}
