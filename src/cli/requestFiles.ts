/**
 * The files `fanout run` reads beside the prompt: `--messages` (the conversation so far), `--tools`, `--schema`, and
 * each `--image`. Each is read and checked through the one request schema before anything is sent; a mistake is one
 * UsageError naming the flag, the file, the JSON path and the fix. Each cloud's own image limits are checked later,
 * per column, where the deployment is known.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { partsOf, type ChatMessage, type ContentPart, type JsonSchema, type ResponseFormat, type ToolChoice, type ToolDefinition } from '../core/request/chatRequest';
import { sniffImageType } from '../core/request/imageCheck';
import { checkMessages, checkTools, jsonPath, parseToolChoice, schemaNameOf, type Checked } from '../core/request/chatRequestSchema';
import { UsageError, type RunArguments } from './args';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Above the largest image any cloud takes (the Gemini API's 75 MB a request): not worth reading into memory. */
const IMAGE_MAX_BYTES = 100 * 1024 * 1024;

export interface RequestFiles {
  /** The conversation so far ([] without --messages); the prompt, when given, is appended as a user turn. */
  messages: ChatMessage[];
  /** The `--image` files, read, each typed by its bytes: for the last user turn (see `withImages`). */
  images: ContentPart[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
}

async function readJson(flag: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}) — check the path`);
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new UsageError(`${flag}: ${file} is over ${MAX_FILE_BYTES / 1024 / 1024} MB — no model takes that much; shorten it`);
  if (text.trim() === '') throw new UsageError(`${flag}: ${file} is empty — write JSON in it`);
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0]!;
    const before = text.slice(0, first.offset);
    throw new UsageError(`${flag}: ${file}: not valid JSON at line ${before.split('\n').length}, column ${first.offset - before.lastIndexOf('\n')} (${printParseErrorCode(first.error)}) — fix the syntax there`);
  }
  return value;
}

function valueOf<T>(flag: string, file: string, checked: Checked<T>): T {
  if (checked.ok) return checked.value;
  const [first, ...rest] = checked.issues;
  throw new UsageError(`${flag}: ${file}: ${jsonPath(first!.path)}: ${first!.message}${rest.length ? ` (and ${rest.length} more)` : ''}`);
}

/** An image part written with a `file` path: read it (relative to the messages file) into base64 data. */
async function withImageData(part: ContentPart, folder: string, file: string, where: string): Promise<ContentPart> {
  if (part.type !== 'image' || part.file === undefined) return part;
  const path = resolve(folder, part.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--messages: ${file}: ${where}.file: cannot read ${part.file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}) — a path is relative to the messages file`);
  }
  if (bytes.length > IMAGE_MAX_BYTES) throw new UsageError(`--messages: ${file}: ${where}.file: ${part.file} is over ${IMAGE_MAX_BYTES / 1024 / 1024} MB — no cloud takes an image that large; shrink it`);
  // the file's name stays with its bytes, so a cloud's refusal can name it
  return { type: 'image', mediaType: part.mediaType, data: bytes.toString('base64'), file: part.file };
}

/** One `--image` file, read and typed by its first bytes (never its extension). */
async function readImage(file: string): Promise<ContentPart> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--image: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : code ?? 'unreadable'}) — check the path`);
  }
  if (bytes.length === 0) throw new UsageError(`--image: ${file} is empty — name an image file`);
  if (bytes.length > IMAGE_MAX_BYTES) throw new UsageError(`--image: ${file} is over ${IMAGE_MAX_BYTES / 1024 / 1024} MB — no cloud takes an image that large; shrink it`);
  const mediaType = sniffImageType(bytes.subarray(0, 32));
  if (!mediaType) throw new UsageError(`--image: ${file} is not an image Fanout recognises (its first bytes are no PNG, JPEG, GIF, WebP, HEIC, HEIF, BMP or TIFF) — convert it to PNG or JPEG`);
  return { type: 'image', mediaType, data: bytes.toString('base64'), file };
}

/**
 * The conversation with the `--image` parts added to its last user turn (the --prompt turn when there is one), after
 * its text. A conversation without a user turn cannot carry them.
 */
export function withImages(messages: ChatMessage[], images: ContentPart[]): ChatMessage[] {
  if (!images.length) return messages;
  const index = messages.findLastIndex((message) => message.role === 'user');
  if (index < 0) throw new UsageError('--image: the conversation has no user turn to carry the image — give --prompt TEXT with it');
  return messages.map((message, at) => (at === index ? { ...message, content: [...partsOf(message), ...images] } : message));
}

async function readMessages(file: string): Promise<ChatMessage[]> {
  const messages = valueOf('--messages', file, checkMessages(await readJson('--messages', file)));
  const folder = dirname(file);
  return Promise.all(messages.map(async (message, index) => (typeof message.content === 'string' ? message : {
    ...message,
    content: await Promise.all(message.content.map((part, at) => withImageData(part, folder, file, jsonPath([index, 'content', at])))),
  })));
}

/** Why ajv (a lazy chunk) cannot use a schema at all, or null: better said now than after every cloud answered. */
async function unusableSchema(schema: JsonSchema): Promise<string | null> {
  const { validateAgainst } = await import('../core/results/schemaValidator');
  const unusable = validateAgainst(schema, null)?.find((error) => error.startsWith('/: the schema itself could not be used'));
  return unusable ? unusable.replace(/^\/: the schema itself could not be used \(([\s\S]*)\)$/, '$1') : null;
}

async function readSchema(file: string): Promise<JsonSchema> {
  const schema = await readJson('--schema', file);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new UsageError(`--schema: ${file}: $: must be a JSON Schema object — write e.g. {"type": "object", "properties": {…}, "required": […]}`);
  }
  const unusable = await unusableSchema(schema as JsonSchema);
  if (unusable) throw new UsageError(`--schema: ${file}: $: not a usable JSON Schema (${unusable}) — fix the schema`);
  return schema as JsonSchema;
}

async function readTools(file: string): Promise<ToolDefinition[]> {
  const tools = valueOf('--tools', file, checkTools(await readJson('--tools', file)));
  if (tools.length === 0) throw new UsageError(`--tools: ${file}: $: the list is empty — add a tool, or leave out --tools`);
  for (const [index, tool] of tools.entries()) {
    const unusable = await unusableSchema(tool.parameters);
    if (unusable) throw new UsageError(`--tools: ${file}: ${jsonPath([index, 'parameters'])}: not a usable JSON Schema (${unusable}) — fix the schema`);
  }
  return tools;
}

export async function readRequestFiles(args: RunArguments): Promise<RequestFiles> {
  const messages = args.messagesFile !== undefined ? await readMessages(args.messagesFile) : [];
  if (args.messagesFile !== undefined && args.prompt === undefined) {
    const last = messages.at(-1);
    if (!last) throw new UsageError(`--messages: ${args.messagesFile}: $: the conversation is empty — add a user message, or give --prompt TEXT`);
    if (last.role === 'assistant') throw new UsageError(`--messages: ${args.messagesFile}: ${jsonPath([messages.length - 1])}: the conversation ends with the assistant — add a user or tool message after it, or give --prompt TEXT`);
  }
  const tools = args.toolsFile !== undefined ? await readTools(args.toolsFile) : undefined;
  let toolChoice: ToolChoice | undefined;
  if (args.toolChoice !== undefined) {
    const parsed = parseToolChoice(args.toolChoice, tools ?? []);
    if (!parsed.ok) throw new UsageError(`--tool-choice: ${parsed.problem.replace('is not a tool', `is not a tool in ${args.toolsFile}`)}`);
    toolChoice = parsed.value;
  }
  const responseFormat: ResponseFormat | undefined = args.schemaFile !== undefined
    ? { name: schemaNameOf(args.schemaFile), schema: await readSchema(args.schemaFile), strict: true }
    : args.json ? 'json' : undefined;
  const images: ContentPart[] = [];
  for (const file of args.images) images.push(await readImage(file));
  return {
    messages,
    images,
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(responseFormat ? { responseFormat } : {}),
  };
}
