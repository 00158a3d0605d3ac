/**
 * Prompt files (`*.prompt.md`): optional YAML front matter naming deployments, parameters, a system prompt,
 * variables, tools, a tool choice, a JSON Schema for the answer and images, then the prompt — or a conversation written with
 * `## user` / `## assistant` / `## tool NAME ID` headings (promptConversation.ts). Every mistake is named with its
 * field; nothing here throws at the user.
 */
import * as z from 'zod/mini';
import { closest } from '../config/closest';
import { describeExpected } from '../config/deployment';
import { partsOf, type ChatMessage, type ContentPart, type JsonSchema, type Reasoning, type ResponseFormat, type ToolChoice, type ToolDefinition } from './chatRequest';
import { checkTools, jsonPath, parseToolChoice, schemaNameOf } from './chatRequestSchema';
import { sniffImageType } from './imageCheck';
import { PARAMETERS, PARAMETER_NAMES, REASONING, paramsShape, parameterHint, parseReasoning, pickParams, type Params } from './params';
import { parseConversation } from './promptConversation';

const schema = z.strictObject({
  deployments: z.optional(z.array(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'is not a deployment id')))),
  system: z.optional(z.string()),
  ...paramsShape,
  variables: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'is not a variable name')), z.union([z.string(), z.number(), z.boolean()]))),
  /** A list of tool definitions, or the path of a JSON file holding one (relative to the prompt file). */
  tools: z.optional(z.unknown()),
  toolChoice: z.optional(z.string()),
  /** A JSON Schema the answer must follow, or the path of a JSON file holding one (relative to the prompt file). */
  schema: z.optional(z.unknown()),
  /** Image files (relative to the prompt file) added to the last user turn; each typed by its bytes. */
  images: z.optional(z.array(z.string().check(z.minLength(1, 'must name a file')))),
  /** minimal, low, medium or high, or a budget of thinking tokens (read by `parseReasoning`, as the CLI's --reasoning). */
  reasoning: z.optional(z.union([z.string(), z.number()])),
});

export interface PromptFile {
  /** The body; with turn headings, the last `## user` turn's text ('' when the conversation ends with tool results). */
  prompt: string;
  /** The conversation to send: the turns under the headings, or the body as one user message. */
  messages: ChatMessage[];
  tools: ToolDefinition[] | null;
  toolChoice: ToolChoice | null;
  /** `{name, schema, strict: true}` when the front matter names a schema. */
  responseFormat: ResponseFormat | null;
  /** The front matter's images, read and typed by their bytes (also added to the last user turn of `messages`); absent without `images`. */
  images?: ContentPart[];
  /** The front matter's `reasoning`, or null for the model's default. */
  reasoning: Reasoning | null;
  system: string;
  deployments: string[] | null;
  params: Params;
  variables: Record<string, string>;
  /** The line the prompt body starts on (after the front matter), for lenses and messages. */
  bodyLine: number;
}

export type PromptFileResult = { ok: true; file: PromptFile } | { ok: false; problem: string };

const FIELDS = ['deployments', 'system', ...PARAMETER_NAMES, 'variables', 'tools', 'toolChoice', 'schema', 'images', 'reasoning'];

export interface PromptFileOptions {
  /** Reads a file named in the front matter (`tools: tools.json`), relative to the prompt file. Without it, such paths are a problem. */
  readRelative?: (path: string) => Promise<string>;
  /** Reads an image named in the front matter (`images: [chart.png]`), relative to the prompt file, as bytes. */
  readRelativeBytes?: (path: string) => Promise<Uint8Array>;
}

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A front-matter value written inline, or read from the JSON file it names. */
async function inlineOrFile(field: string, value: unknown, options: PromptFileOptions): Promise<Loaded<{ value: unknown; file: string | null }>> {
  if (typeof value !== 'string') return { ok: true, value: { value, file: null } };
  if (!options.readRelative) return { ok: false, problem: `front matter: ${field}: "${value}" is a path, and files beside the prompt cannot be read here — write the ${field} inline` };
  let text: string;
  try {
    text = await options.readRelative(value);
  } catch (error) {
    return { ok: false, problem: `front matter: ${field}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — the path is relative to the prompt file` };
  }
  try {
    return { ok: true, value: { value: JSON.parse(text), file: value } };
  } catch (error) {
    return { ok: false, problem: `front matter: ${field}: ${value} is not valid JSON (${(error as Error).message}) — fix the syntax there` };
  }
}

async function loadTools(value: unknown, options: PromptFileOptions): Promise<Loaded<ToolDefinition[] | null>> {
  if (value === undefined) return { ok: true, value: null };
  const loaded = await inlineOrFile('tools', value, options);
  if (!loaded.ok) return loaded;
  const checked = checkTools(loaded.value.value);
  if (!checked.ok) {
    const issue = checked.issues[0]!;
    const where = loaded.value.file ? `tools: ${loaded.value.file}: ${jsonPath(issue.path)}` : jsonPath(issue.path, 'tools');
    return { ok: false, problem: `front matter: ${where}: ${issue.message}` };
  }
  if (!checked.value.length) return { ok: false, problem: 'front matter: tools: the list is empty — add a tool, or remove the field' };
  return { ok: true, value: checked.value };
}

async function loadSchema(value: unknown, options: PromptFileOptions): Promise<Loaded<ResponseFormat | null>> {
  if (value === undefined) return { ok: true, value: null };
  const loaded = await inlineOrFile('schema', value, options);
  if (!loaded.ok) return loaded;
  const schema = loaded.value.value;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, problem: `front matter: schema${loaded.value.file ? `: ${loaded.value.file}` : ''} must be a JSON Schema object — e.g. {type: object, properties: {…}, required: […]}` };
  }
  const title = (schema as JsonSchema).title;
  const name = loaded.value.file ? schemaNameOf(loaded.value.file) : typeof title === 'string' ? schemaNameOf(title) : 'response';
  return { ok: true, value: { name, schema: schema as JsonSchema, strict: true } };
}

/** The front matter's images, read through the front end and typed by their first bytes. */
async function loadImages(paths: string[] | undefined, options: PromptFileOptions): Promise<Loaded<ContentPart[]>> {
  if (!paths?.length) return { ok: true, value: [] };
  if (!options.readRelativeBytes) return { ok: false, problem: 'front matter: images: image files beside the prompt cannot be read here — attach the images where you run the prompt' };
  const images: ContentPart[] = [];
  for (const [index, path] of paths.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = await options.readRelativeBytes(path);
    } catch (error) {
      return { ok: false, problem: `front matter: images[${index}]: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — the path is relative to the prompt file` };
    }
    const mediaType = sniffImageType(bytes.subarray(0, 32));
    if (!mediaType) return { ok: false, problem: `front matter: images[${index}]: ${path} is not an image Fanout recognises (its first bytes are no PNG, JPEG, GIF, WebP, HEIC, HEIF, BMP or TIFF) — convert it to PNG or JPEG` };
    images.push({ type: 'image', mediaType, data: Buffer.from(bytes).toString('base64'), file: path });
  }
  return { ok: true, value: images };
}

/** Parses a prompt file; the YAML parser is loaded on first use, so nothing pays for it at start-up. */
export async function parsePromptFile(text: string, options: PromptFileOptions = {}): Promise<PromptFileResult> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  const body = match ? text.slice(match[0].length) : text;
  const bodyLine = match ? match[0].split('\n').length - 1 : 0;
  let data: unknown = {};
  if (match) {
    try {
      const { parse } = await import('yaml');
      data = parse(match[1]!) ?? {};
    } catch (error) {
      const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      return { ok: false, problem: `front matter is not valid YAML${line ? ` (line ${line + 1})` : ''} — check its indentation and colons` };
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problem: 'front matter must be "key: value" lines, e.g. "temperature: 0.2"' };
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const guess = closest(key, FIELDS);
      return { ok: false, problem: `front matter: unknown field "${key}"${guess ? ` — did you mean "${guess}"?` : ` — known: ${FIELDS.join(', ')}`}` };
    }
    const field = issue.path.map(String).join('.');
    const message = issue.code === 'invalid_type' ? `must be ${describeExpected(issue.expected)}` : issue.message;
    const parameter = PARAMETERS[field as keyof typeof PARAMETERS];
    return { ok: false, problem: `front matter: ${field} ${message}${parameter ? ` — ${parameterHint(parameter)}` : ''}` };
  }
  const value = parsed.data;
  const reasoning = value.reasoning === undefined ? {} : parseReasoning(value.reasoning);
  if (reasoning.problem) return { ok: false, problem: `front matter: reasoning: ${reasoning.problem.replace(`${REASONING.label} `, '')}` };
  if (!body.trim()) return { ok: false, problem: 'the prompt is empty: write it below the front matter' };
  const tools = await loadTools(value.tools, options);
  if (!tools.ok) return tools;
  let toolChoice: ToolChoice | null = null;
  if (value.toolChoice !== undefined) {
    if (!tools.value) return { ok: false, problem: 'front matter: toolChoice needs tools — list the tools the model may choose from' };
    const choice = parseToolChoice(value.toolChoice, tools.value);
    if (!choice.ok) return { ok: false, problem: `front matter: toolChoice: ${choice.problem}` };
    toolChoice = choice.value;
  }
  const responseFormat = await loadSchema(value.schema, options);
  if (!responseFormat.ok) return responseFormat;
  const images = await loadImages(value.images, options);
  if (!images.ok) return images;
  const conversation = parseConversation(body, bodyLine + 1);
  if (conversation && !conversation.ok) return conversation;
  let messages: ChatMessage[] = conversation ? conversation.messages : [{ role: 'user', content: body.trim() }];
  if (images.value.length) {
    const last = messages.findLastIndex((message) => message.role === 'user');
    if (last < 0) return { ok: false, problem: 'front matter: images: the conversation has no ## user turn to carry them — add one' };
    messages = messages.map((message, at) => (at === last ? { ...message, content: [...partsOf(message), ...images.value] } : message));
  }
  const lastUser = conversation ? [...conversation.messages].reverse().find((message) => message.role === 'user') : undefined;
  return {
    ok: true,
    file: {
      prompt: conversation ? (messages.at(-1)?.role === 'user' && typeof lastUser?.content === 'string' ? lastUser.content : '') : body.trim(),
      messages,
      tools: tools.value,
      toolChoice,
      responseFormat: responseFormat.value,
      ...(images.value.length ? { images: images.value } : {}),
      reasoning: reasoning.value ?? null,
      system: value.system ?? '',
      deployments: value.deployments ?? null,
      params: pickParams(value),
      variables: Object.fromEntries(Object.entries(value.variables ?? {}).map(([name, v]) => [name, String(v)])),
      bodyLine,
    },
  };
}
