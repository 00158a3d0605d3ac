/**
 * The one contract between the playground's host and its webview. Both sides import these types; the host
 * validates every message it receives (the webview is untrusted input), and nothing here ever carries a secret.
 */
import * as z from 'zod/mini';
import type { LatencyPhases } from './core/engine/callTrace';
import { RUN_OPTIONS, paramsSchema, reasoningSchema, type Params } from './core/request/params';
import type { FinishReason, ProviderErrorKind } from './core/request/stream';
import { MAX_IMAGES, MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MAX_SCHEMA_CHARS, MAX_TOOLS, MAX_TOOL_RESULT_CHARS } from './protocolLimits';

/** `metrics.phases` as DESIGN "Numbers a person can trust" gives it: the engine's own type. */
export type { LatencyPhases };

export { paramsSchema, MAX_IMAGES, MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MAX_SCHEMA_CHARS, MAX_TOOLS, MAX_TOOL_RESULT_CHARS };

const text = (max: number) => z.string().check(z.maxLength(max, `is longer than ${max} characters`));
const id = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'is not a deployment id'));
const ids = z.array(id).check(z.maxLength(256, 'lists too many deployments'));

/** The length of a value as JSON, or null when it cannot be written as JSON (a cycle, nesting too deep for the stack). */
function jsonLength(value: unknown): number | null {
  try {
    return JSON.stringify(value)?.length ?? null;
  } catch {
    return null;
  }
}
const jsonSchema = z.record(z.string(), z.unknown()).check(z.refine((value) => {
  const length = jsonLength(value);
  return length !== null && length <= MAX_SCHEMA_CHARS;
}, `is not a JSON Schema of at most ${MAX_SCHEMA_CHARS} characters`));
const toolName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a tool name (letters, digits, _ and -, at most 64)'));
const toolSchema = z.strictObject({ name: toolName, description: z.optional(text(10_000)), parameters: jsonSchema });
const toolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ name: toolName })]);
const responseFormatSchema = z.union([
  z.enum(['text', 'json']),
  z.strictObject({ name: toolName, schema: jsonSchema, strict: z.optional(z.boolean()) }),
]);
/** A tool-call id as a cloud makes it (call_…, tooluse_…, Fanout's own for Gemini): printable, no spaces. */
/** An image the host stored: its sha256 (the file's name in storage) and media type; never its bytes. */
const imageRefSchema = z.strictObject({
  hash: z.string().check(z.regex(/^[a-f0-9]{64}$/, 'is not a sha256 hash')),
  mediaType: z.string().check(z.regex(/^image\/[a-z0-9.+-]{1,40}$/, 'is not an image media type')),
  name: z.optional(z.string().check(z.regex(/^[^\u0000-\u001f/\\]{1,200}$/, 'is not a file name'))),
});
/** The most base64 characters an image of MAX_IMAGE_BYTES takes. */
const MAX_IMAGE_BASE64 = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;
const toolCallId = z.string().check(z.regex(/^[\x21-\x7e]{1,256}$/, 'is not a tool-call id'));

const runSchema = z.strictObject({
  type: z.literal('run'),
  system: text(MAX_PROMPT_CHARS),
  prompt: text(MAX_PROMPT_CHARS),
  variables: z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)), text(MAX_PROMPT_CHARS)),
  params: paramsSchema,
  deploymentIds: ids.check(z.minLength(1, 'names no deployment')),
  repeat: z.int().check(z.minimum(RUN_OPTIONS.repeat.min), z.maximum(RUN_OPTIONS.repeat.max)),
  tools: z.optional(z.array(toolSchema).check(z.maxLength(MAX_TOOLS, `offers more than ${MAX_TOOLS} tools`))),
  toolChoice: z.optional(toolChoiceSchema),
  responseFormat: z.optional(responseFormatSchema),
  reasoning: z.optional(reasoningSchema),
  /** Images the host stored (by hash), added to the prompt's user turn. */
  images: z.optional(z.array(imageRefSchema).check(z.maxLength(MAX_IMAGES, `attaches more than ${MAX_IMAGES} images`))),
}).check(
  z.refine((run) => new Set((run.tools ?? []).map((tool) => tool.name)).size === (run.tools ?? []).length, { message: 'names one tool twice', path: ['tools'] }),
  z.refine((run) => typeof run.toolChoice !== 'object' || (run.tools ?? []).some((tool) => tool.name === (run.toolChoice as { name: string }).name), { message: 'names a tool that is not offered', path: ['toolChoice'] }),
);

/** The next user turn, for every column named (one column continues alone). */
const followUpSchema = z.strictObject({
  type: z.literal('followUp'),
  text: text(MAX_PROMPT_CHARS).check(z.minLength(1, 'is empty')),
  deploymentIds: ids.check(z.minLength(1, 'names no deployment')),
});

/** Results of tool calls the columns made; the host checks every id against the calls it is waiting for. */
const toolResultsSchema = z.strictObject({
  type: z.literal('toolResults'),
  results: z.array(z.strictObject({
    deploymentId: id,
    toolCallId,
    content: text(MAX_TOOL_RESULT_CHARS),
    isError: z.optional(z.boolean()),
  })).check(z.minLength(1, 'holds no result'), z.maxLength(256, 'holds too many results')),
}).check(z.refine((message) => message.results.reduce((sum, result) => sum + result.content.length, 0) <= 4 * MAX_TOOL_RESULT_CHARS, { message: `hold more than ${4 * MAX_TOOL_RESULT_CHARS} characters together`, path: ['results'] }));

/** Every message the webview may send. Anything else is rejected and logged. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** `hasResults`: whether the webview restored answers of its own (after a reload). */
  z.strictObject({ type: z.literal('ready'), hasResults: z.boolean() }),
  runSchema,
  followUpSchema,
  toolResultsSchema,
  z.strictObject({ type: z.literal('stop') }),
  /** Attach images: the host opens its file picker. */
  z.strictObject({ type: z.literal('pickImages') }),
  /** A pasted or dropped image: its bytes, once, for the host to check and store by hash (the webview keeps only the hash). */
  z.strictObject({
    type: z.literal('addImage'),
    name: z.string().check(z.regex(/^[^\u0000-\u001f]{1,200}$/, 'is not a file name')),
    data: z.string().check(z.minLength(4, 'is empty'), z.maxLength(MAX_IMAGE_BASE64, `is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`), z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64')),
  }),
  z.strictObject({ type: z.literal('rerunColumn'), deploymentId: id }),
  z.strictObject({ type: z.literal('copy'), deploymentId: id }),
  z.strictObject({ type: z.literal('insert'), deploymentId: id }),
  z.strictObject({ type: z.literal('compare'), left: id, right: id }),
  z.strictObject({ type: z.literal('export'), format: z.enum(['markdown', 'json']) }),
  z.strictObject({ type: z.literal('action'), action: z.enum(['setApiKey', 'signIn', 'openSettings', 'showLog', 'repair']), deploymentId: id }),
  z.strictObject({ type: z.literal('openHistory'), entryId: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)) }),
  z.strictObject({ type: z.literal('saveSet'), name: z.string().check(z.regex(/^[^\u0000-\u001f]{1,60}$/, 'is not a set name')), deploymentIds: ids }),
  z.strictObject({ type: z.literal('deleteSet'), name: z.string().check(z.maxLength(60)) }),
]);

export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
export type RunRequest = z.infer<typeof runSchema>;
export type ToolResultInput = z.infer<typeof toolResultsSchema>['results'][number];

export type ValidationResult = { ok: true; message: WebviewMessage } | { ok: false; reason: string };

/** Parses an untrusted message. Never throws; never echoes the message's content back. */
export function validateWebviewMessage(raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  if (Object.prototype.hasOwnProperty.call(raw, '__proto__') || Object.prototype.hasOwnProperty.call(raw, 'constructor') || Object.prototype.hasOwnProperty.call(raw, 'prototype')) {
    return { ok: false, reason: 'carries a prototype key' };
  }
  const parsed = webviewMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const type = typeof (raw as { type?: unknown }).type === 'string' ? String((raw as { type: string }).type).slice(0, 32) : '(none)';
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `type ${JSON.stringify(type)}: ${issue ? `${issue.path.join('.') || 'message'} ${issue.message}` : 'invalid'}` };
}

// ── host → webview (the host builds these; the webview trusts its host) ──

export interface DeploymentView {
  id: string;
  provider: string;
  providerLabel: string;
  model: string;
  /** Region or location, where the deployment has one. */
  region: string | null;
  /** Workspace-provided deployments are listed but not run in Restricted Mode. */
  runnable: boolean;
  note: string | null;
}

export interface HistorySummary {
  id: string;
  at: string;
  prompt: string;
  deployments: string[];
  ok: number;
  /** Columns that failed (error or timeout); a stopped column is counted in `stopped`, never here. */
  failed: number;
  /** Columns stopped by the user (absent in summaries from before it was counted apart). */
  stopped?: number;
  /** The user turns of a conversation, when it went past the first. */
  turns?: number;
}

export type ColumnStatus = 'waiting' | 'streaming' | 'ok' | 'error' | 'cancelled';

export interface ColumnMetrics {
  ttftMs: number | null;
  totalMs: number | null;
  /** Visible output tokens per second (reasoning left out); null when the cloud streamed reasoning it does not count. */
  tokensPerSecond: number | null;
  /** Reasoning tokens (inside outputTokens); null where the cloud does not count them. */
  reasoningTokens?: number | null;
  /** Time to the first reasoning token, beside ttftMs (the first visible token). */
  ttfrMs?: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /**
   * Where the time went (shared/DESIGN.md "Numbers a person can trust"): dns, connect and tls each their own span
   * (null where the phase did not happen: a reused connection has none); headers and ttft from the request start;
   * stream from the first token to the end. Absent where the transport did not time them.
   */
  phases?: LatencyPhases;
  /** Whether the request opened a new connection or reused a warm one. */
  connection?: 'new' | 'reused';
}


export interface ColumnAction {
  action: 'setApiKey' | 'signIn' | 'openSettings' | 'showLog' | 'repair' | 'retry';
  label: string;
}

export interface ColumnResult {
  deploymentId: string;
  status: Exclude<ColumnStatus, 'waiting' | 'streaming'>;
  text: string;
  metrics: ColumnMetrics;
  finishReason: FinishReason | null;
  error: { kind: ProviderErrorKind; message: string } | null;
  actions: ColumnAction[];
  answeredModel: string | null;
  costNote: string | null;
  retries: number;
  requestId: string | null;
  credentialSource: string | null;
  /** The tool calls the answer made ([] when none), each checked against the tool's parameters. */
  toolCalls: ToolCallView[];
  /** Settings this cloud or model did not take, said before sending. */
  warnings: string[];
  /** When JSON was asked: how, whether the answer follows the schema, and the parsed JSON. */
  structured: StructuredView | null;
  /** The reasoning the cloud streamed (null when none); `redactedReasoning`: blocks the cloud sent encrypted only. */
  reasoning?: string | null;
  redactedReasoning?: number;
}

/** An attached image as the webview shows it: a resource URI of the stored file, never its bytes. */
export interface ImageView {
  hash: string;
  mediaType: string;
  name: string;
  bytes: number;
  /** The webview URI of the stored file; null when the file is gone from storage. */
  uri: string | null;
}

export interface ToolCallView {
  id: string;
  name: string;
  /** The arguments as pretty JSON, or the raw text the cloud sent when it is not a JSON object. */
  arguments: string;
  /** Why the arguments could not be read (the raw text is in `arguments`), or null. */
  malformed: string | null;
  /** Valid against the tool's parameters; null when not checked (malformed, or a tool that was not offered). */
  valid: boolean | null;
  /** The first problem: "/city: must be string", or that the tool was not offered. */
  problem: string | null;
  /** The host waits for this call's result before the column goes on. */
  awaiting: boolean;
}

export interface StructuredView {
  mode: 'native' | 'tool' | 'instruction' | null;
  /** null when any JSON was asked (no schema) and the answer is JSON. */
  valid: boolean | null;
  /** Each as "/pointer: message". */
  errors: string[];
  /** The parsed answer, pretty, or null when it is not JSON. */
  json: string | null;
}

/** One earlier turn of a column's thread, as the column shows it (long texts cut). */
export type TurnView =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: Array<{ id: string; name: string; arguments: string }> }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError: boolean };

/** The response format as the form holds it: the schema as typed. */
export interface FormatDraft {
  mode: 'text' | 'json' | 'schema';
  name: string;
  schema: string;
  strict: boolean;
}

export interface Badges {
  fastestFirstToken: string | null;
  fastestTotal: string | null;
  cheapest: string | null;
}

/** p50/p95 of one deployment over the repeats of a repeated run. */
export interface RunSpread {
  deploymentId: string;
  ttftP50: number | null;
  ttftP95: number | null;
  totalP50: number | null;
  totalP95: number | null;
}

export interface PlaygroundState {
  system: string;
  prompt: string;
  variables: Record<string, string>;
  params: Params;
  selected: string[];
  repeat: number;
  /** The tools as typed (a JSON array), the tool choice ('auto', 'none', 'required' or 'tool:NAME'), the format. */
  tools?: string;
  toolChoice?: string;
  format?: FormatDraft;
  /** Reasoning as typed: '' (the model's default), an effort, or a budget of thinking tokens. */
  reasoning?: string;
  images?: ImageView[];
}

export type HostMessage =
  | { type: 'init'; deployments: DeploymentView[]; sets: Record<string, string[]>; history: HistorySummary[]; historyEnabled: boolean; restore: PlaygroundState | null }
  | { type: 'deployments'; deployments: DeploymentView[] }
  | { type: 'sets'; sets: Record<string, string[]> }
  | { type: 'history'; history: HistorySummary[]; historyEnabled: boolean }
  /** `threads`: the earlier turns of each column started (a conversation going on), shown above its new answer. */
  | { type: 'runStarted'; runId: string; deploymentIds: string[]; repeat: number; iteration: number; prompt: PlaygroundState | null; threads?: Record<string, TurnView[]> }
  /** `reasoning`: the chunk is reasoning text, shown in the column's folded Reasoning section. */
  | { type: 'deltas'; runId: string; chunks: DeltaChunk[] }
  | { type: 'columnStatus'; runId: string; deploymentId: string; status: ColumnStatus; note: string | null; ttftMs: number | null; ttfrMs?: number | null }
  /** The host stored these images: the prompt shows them. */
  | { type: 'imagesAdded'; images: ImageView[] }
  | { type: 'columnResult'; runId: string; result: ColumnResult }
  | { type: 'runFinished'; runId: string; badges: Badges; summary: RunSpread[] | null }
  | { type: 'notice'; level: 'info' | 'error'; text: string }
  /** Fill the prompt (from an editor selection) and check these deployments. */
  | { type: 'setPrompt'; prompt: string; selected: string[]; system?: string; params?: PlaygroundState['params']; variables?: Record<string, string> } & Pick<PlaygroundState, 'tools' | 'toolChoice' | 'format' | 'reasoning' | 'images'>;

export interface DeltaChunk {
  deploymentId: string;
  text: string;
  reasoning?: boolean;
}

/** The message of one type, for handler tables (one handler per type on each side). */
export type HostMessageOf<Type extends HostMessage['type']> = Extract<HostMessage, { type: Type }>;
export type WebviewMessageOf<Type extends WebviewMessage['type']> = Extract<WebviewMessage, { type: Type }>;
