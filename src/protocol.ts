/**
 * The one contract between the playground's host and its webview. Both sides import these types; the host
 * validates every message it receives (the webview is untrusted input), and nothing here ever carries a secret.
 */
import * as z from 'zod/mini';
import { RUN_OPTIONS, paramsSchema, type Params } from './core/request/params';
import type { FinishReason, ProviderErrorKind } from './core/request/stream';

export { paramsSchema };

export const MAX_PROMPT_CHARS = 2_000_000;
const text = (max: number) => z.string().check(z.maxLength(max, `is longer than ${max} characters`));
const id = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'is not a deployment id'));
const ids = z.array(id).check(z.maxLength(256, 'lists too many deployments'));

const runSchema = z.strictObject({
  type: z.literal('run'),
  system: text(MAX_PROMPT_CHARS),
  prompt: text(MAX_PROMPT_CHARS),
  variables: z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)), text(MAX_PROMPT_CHARS)),
  params: paramsSchema,
  deploymentIds: ids.check(z.minLength(1, 'names no deployment')),
  repeat: z.int().check(z.minimum(RUN_OPTIONS.repeat.min), z.maximum(RUN_OPTIONS.repeat.max)),
});

/** Every message the webview may send. Anything else is rejected and logged. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** `hasResults`: whether the webview restored answers of its own (after a reload). */
  z.strictObject({ type: z.literal('ready'), hasResults: z.boolean() }),
  runSchema,
  z.strictObject({ type: z.literal('stop') }),
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
  failed: number;
}

export type ColumnStatus = 'waiting' | 'streaming' | 'ok' | 'error' | 'cancelled';

export interface ColumnMetrics {
  ttftMs: number | null;
  totalMs: number | null;
  tokensPerSecond: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
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
}

export type HostMessage =
  | { type: 'init'; deployments: DeploymentView[]; sets: Record<string, string[]>; history: HistorySummary[]; historyEnabled: boolean; restore: PlaygroundState | null }
  | { type: 'deployments'; deployments: DeploymentView[] }
  | { type: 'sets'; sets: Record<string, string[]> }
  | { type: 'history'; history: HistorySummary[]; historyEnabled: boolean }
  | { type: 'runStarted'; runId: string; deploymentIds: string[]; repeat: number; iteration: number; prompt: PlaygroundState | null }
  | { type: 'deltas'; runId: string; chunks: Array<{ deploymentId: string; text: string }> }
  | { type: 'columnStatus'; runId: string; deploymentId: string; status: ColumnStatus; note: string | null; ttftMs: number | null }
  | { type: 'columnResult'; runId: string; result: ColumnResult }
  | { type: 'runFinished'; runId: string; badges: Badges; summary: RunSpread[] | null }
  | { type: 'notice'; level: 'info' | 'error'; text: string }
  /** Fill the prompt (from an editor selection) and check these deployments. */
  | { type: 'setPrompt'; prompt: string; selected: string[]; system?: string; params?: PlaygroundState['params']; variables?: Record<string, string> };

/** The message of one type, for handler tables (one handler per type on each side). */
export type HostMessageOf<Type extends HostMessage['type']> = Extract<HostMessage, { type: Type }>;
export type WebviewMessageOf<Type extends WebviewMessage['type']> = Extract<WebviewMessage, { type: Type }>;
