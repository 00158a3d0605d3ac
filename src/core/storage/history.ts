/**
 * Saved runs: one JSON line per run, appended with a single write, so a crash or a kill can cut at most the
 * line being written, and a reload skips it and keeps every complete one. Bounded: past the limit the file is
 * compacted by writing a new one beside it and renaming it over (atomic on the same file system), one window at a
 * time and keeping what other windows appended meanwhile.
 */
import type { Params } from '../request/params';
import type { ChatMessage, Reasoning, ResponseFormat, ToolChoice, ToolDefinition } from '../request/chatRequest';
import { rm } from 'node:fs/promises';
import { appendLines, parseJsonLines, readJsonLines, rewriteLines } from './jsonLines';
import type { DeploymentResult } from '../engine/fanout';

export interface HistoryEntry {
  id: string;
  at: string;
  system: string;
  prompt: string;
  variables: Record<string, string>;
  params: Params;
  deploymentIds: string[];
  results: Array<Pick<DeploymentResult, 'deployment' | 'provider' | 'model' | 'status' | 'text' | 'finishReason' | 'metrics' | 'requestId' | 'costNote'>
    & { error: { kind: string; message: string } | null }
    // since conversations and tools (older entries have none of these)
    & Partial<Pick<DeploymentResult, 'toolCalls' | 'warnings' | 'structuredOutput' | 'json' | 'schemaValid' | 'schemaErrors' | 'reasoning'>>>;
  /** Every turn of one conversation is saved as its own entry under one id; the newest holds it all. */
  conversationId?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** Each column's whole thread (user turns, answers, tool calls and their results); image parts keep no bytes. */
  threads?: Record<string, ChatMessage[]>;
  reasoning?: Reasoning;
  /**
   * The prompt's images, by content hash (the bytes are stored once, apart, by the front end): never their base64.
   * They are the image parts of each thread's prompt turn, in order.
   */
  images?: Array<{ hash: string; mediaType: string; name?: string }>;
}

export interface LoadedHistory {
  entries: HistoryEntry[];
  /** Lines that could not be read (cut by a crash, or edited by hand), skipped. */
  skipped: number;
}

/**
 * A saved run's columns by how they ended: answered, failed (an error or a timeout) and stopped by the user. A
 * stopped column is not a failure, so it is never counted as one.
 */
export function countByState(results: ReadonlyArray<Pick<HistoryEntry['results'][number], 'status'>>): { ok: number; failed: number; stopped: number } {
  const count = (statuses: readonly string[]): number => results.filter((result) => statuses.includes(result.status)).length;
  return { ok: count(['ok']), failed: count(['error', 'timeout']), stopped: count(['cancelled']) };
}

const MAX_TEXT = 1_000_000;
const capped = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n[cut at ${MAX_TEXT} characters]` : text);

function isEntry(value: unknown): value is HistoryEntry {
  const entry = value as HistoryEntry;
  return typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && typeof entry.at === 'string'
    && typeof entry.prompt === 'string' && Array.isArray(entry.results) && Array.isArray(entry.deploymentIds);
}

export class HistoryStore {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string, private readonly options: { maxEntries: number; redact: (text: string) => string }) {}

  /** Records a run. Text is redacted and capped; writes are queued so one window never interleaves its own lines. */
  append(entry: HistoryEntry): Promise<void> {
    const safe: HistoryEntry = {
      ...entry,
      system: this.options.redact(entry.system),
      prompt: this.options.redact(entry.prompt),
      variables: Object.fromEntries(Object.entries(entry.variables).map(([name, value]) => [name, this.options.redact(value)])),
      results: entry.results.map((result) => ({
        ...result,
        text: this.options.redact(capped(result.text)),
        ...(typeof result.reasoning === 'string' ? { reasoning: this.options.redact(capped(result.reasoning)) } : {}),
        error: result.error ? { kind: result.error.kind, message: this.options.redact(result.error.message) } : null,
      })),
      ...(entry.threads ? { threads: Object.fromEntries(Object.entries(entry.threads).map(([id, messages]) => [id, messages.map((message) => this.safeMessage(message))])) } : {}),
    };
    const line = `${JSON.stringify(safe)}\n`;
    const write = this.writing.then(async () => {
      await appendLines(this.file, line);
      await this.compactIfNeeded();
    });
    this.writing = write.catch(() => {});
    return write;
  }

  /** A thread's message with its texts and tool results redacted and capped (a tool result may be megabytes). */
  private safeMessage(message: ChatMessage): ChatMessage {
    const safe = (text: string): string => this.options.redact(capped(text));
    if (typeof message.content === 'string') return { role: message.role, content: safe(message.content) };
    return {
      role: message.role,
      content: message.content.map((part) => {
        if (part.type === 'text') return { ...part, text: safe(part.text) };
        if (part.type === 'tool-result') return { ...part, content: safe(part.content) };
        if (part.type === 'reasoning') return { ...part, text: safe(part.text) };
        // an image's bytes are never written here: the entry's `images` names each by hash
        if (part.type === 'image') return { type: 'image', mediaType: part.mediaType, ...(part.file ? { file: part.file } : {}) };
        return part;
      }),
    };
  }

  async load(): Promise<LoadedHistory> {
    const { values, skipped } = await readJsonLines(this.file, isEntry);
    return { entries: values.slice(-this.options.maxEntries), skipped };
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    return (await this.load()).entries.find((entry) => entry.id === id);
  }

  async clear(): Promise<void> {
    await this.writing;
    await rm(this.file, { force: true });
  }

  private async compactIfNeeded(): Promise<void> {
    // one read: every non-empty line is either a value or a skipped one
    const { values, skipped } = await readJsonLines(this.file, isEntry);
    if (values.length + skipped <= this.options.maxEntries * 1.5) return;
    // the rewrite re-reads the file: another window may have appended since the count above
    await rewriteLines(this.file, (text) => parseJsonLines(text, isEntry).values.slice(-this.options.maxEntries).map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  }
}
