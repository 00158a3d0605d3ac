/**
 * The conversation the playground shows: one thread per column (its own earlier answers and tool calls, as the
 * request model's messages), the setup every column shares (system, tools, tool choice, format, parameters), and
 * the tool calls each column waits on. Each column's request is built from its own thread. Pure: no `vscode`, so
 * plain-node tests drive it; every id the webview names is checked against the calls this knows.
 */
import type { DeploymentResult } from '../../core/engine/fanout';
import type { ChatMessage, ChatRequest, ContentPart, Reasoning, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/request/chatRequest';
import { partsOf } from '../../core/request/chatRequest';
import type { Params } from '../../core/request/params';
import { fill } from '../../core/request/template';
import type { RunRequest, ToolResultInput } from '../../protocol';

export interface ConversationSetup {
  system?: string;
  params: Params;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  reasoning?: Reasoning;
}

type ToolResultPart = Extract<ContentPart, { type: 'tool-result' }>;

interface Thread {
  messages: ChatMessage[];
  /** How many messages the last request sent: a re-run goes back to there. */
  sent: number;
  /** The calls of the last answer, in order, each with its result once given. */
  awaiting: Array<{ id: string; name: string; result: ToolResultPart | null }>;
  /** The last request got an answer to follow (a failed one must be retried first). */
  answered: boolean;
}

export type Outcome = { ok: true; ids: string[]; refused: string[] } | { ok: false; reason: string };

export class Conversation {
  private readonly threads = new Map<string, Thread>();

  /** `threads`: a conversation brought back from the history, each thread as it was saved. */
  constructor(readonly setup: ConversationSetup, threads: Record<string, ChatMessage[]> = {}) {
    for (const [id, messages] of Object.entries(threads)) this.threads.set(id, restoredThread(messages));
  }

  get ids(): string[] {
    return [...this.threads.keys()];
  }

  /** Whether any column has gone past its first answer. */
  get isConversation(): boolean {
    return [...this.threads.values()].some((thread) => thread.messages.length > 2);
  }

  /** Every column starts with the same user turn (its images after its text); `earlier`: turns before it (a prompt file's). */
  start(ids: readonly string[], userText: string, images: readonly ContentPart[] = [], earlier: readonly ChatMessage[] = []): void {
    const first: ChatMessage = { role: 'user', content: images.length ? [...(userText ? [{ type: 'text' as const, text: userText }] : []), ...images] : userText };
    // a prompt file's conversation may end with tool results: then there is no new user turn to add
    const messages = userText === '' && images.length === 0 && earlier.length ? [...earlier] : [...earlier, first];
    for (const id of ids) this.threads.set(id, { messages: [...messages], sent: messages.length, awaiting: [], answered: false });
  }

  /** The request of one column: the shared setup and its own thread. */
  requestFor(id: string): ChatRequest {
    return { ...this.setup, messages: [...(this.threads.get(id)?.messages ?? [])] };
  }

  /** Forgets the last answer of these columns (a re-run, or the next repeat), back to what was sent. */
  rewind(ids: readonly string[]): void {
    for (const id of ids) {
      const thread = this.threads.get(id);
      if (!thread) continue;
      thread.messages.length = thread.sent;
      thread.awaiting = [];
      thread.answered = false;
    }
  }

  /** A column answered: its text and tool calls join its thread (a failure adds nothing: it is retried). */
  record(result: DeploymentResult): void {
    const thread = this.threads.get(result.deployment);
    if (!thread) return;
    const output = result.status === 'ok' || (result.status === 'cancelled' && (result.text !== '' || result.toolCalls.length > 0));
    thread.messages.length = thread.sent;
    thread.answered = output;
    thread.awaiting = output ? result.toolCalls.map((call) => ({ id: call.id, name: call.name, result: null })) : [];
    if (!output) return;
    // the reasoning goes back as it came (Bedrock needs its signature, or the redacted block, unchanged)
    const parts: ContentPart[] = [
      ...result.reasoningBlocks.map((block) => ({ type: 'reasoning' as const, text: block.text, ...(block.signature ? { signature: block.signature } : {}), ...(block.redactedData ? { redactedData: block.redactedData } : {}) })),
      ...(result.text ? [{ type: 'text' as const, text: result.text }] : []),
      ...result.toolCalls.map((call) => ({ type: 'tool-call' as const, id: call.id, name: call.name, arguments: call.arguments })),
    ];
    thread.messages.push({ role: 'assistant', content: parts.length === 1 && parts[0]!.type === 'text' ? result.text : parts });
  }

  /** The next user turn for these columns; a column waiting for a tool result, or without an answer, is refused. */
  addUserTurn(ids: readonly string[], text: string): Outcome {
    const continued: string[] = [];
    const refused: string[] = [];
    for (const id of ids) {
      const thread = this.threads.get(id);
      if (!thread) refused.push(`${id} is not a column of this conversation`);
      else if (thread.awaiting.length > 0) refused.push(`${id} waits for the result of ${thread.awaiting[0]!.name}: answer its call first`);
      else if (!thread.answered) refused.push(`${id} has no answer to follow: press Retry on it first`);
      else {
        thread.messages.push({ role: 'user', content: text });
        thread.sent = thread.messages.length;
        continued.push(id);
      }
    }
    return continued.length === 0 && refused.length > 0 ? { ok: false, reason: refused.join('; ') } : { ok: true, ids: continued, refused };
  }

  /**
   * Results for calls the columns made. Every (column, call id) must be a call that column waits for and has no
   * result yet, or the whole message is refused (a forged or stale id changes nothing). A column whose calls all
   * have their results gets one tool message and is ready to go on.
   */
  addToolResults(results: readonly ToolResultInput[]): Outcome {
    const seen = new Set<string>();
    for (const input of results) {
      const thread = this.threads.get(input.deploymentId);
      if (!thread) return { ok: false, reason: `${input.deploymentId} is not a column of this conversation` };
      const call = thread.awaiting.find((candidate) => candidate.id === input.toolCallId);
      if (!call) return { ok: false, reason: `${input.deploymentId} is not waiting for a tool call with that id (it may have been answered or run again)` };
      const key = `${input.deploymentId}\u0000${input.toolCallId}`;
      if (call.result || seen.has(key)) return { ok: false, reason: `${input.deploymentId}'s call to ${call.name} already has its result` };
      seen.add(key);
    }
    const ready = new Set<string>();
    for (const input of results) {
      const thread = this.threads.get(input.deploymentId)!;
      const call = thread.awaiting.find((candidate) => candidate.id === input.toolCallId)!;
      call.result = { type: 'tool-result', toolCallId: call.id, name: call.name, content: input.content, ...(input.isError ? { isError: true } : {}) };
      if (thread.awaiting.every((candidate) => candidate.result)) ready.add(input.deploymentId);
    }
    for (const id of ready) {
      const thread = this.threads.get(id)!;
      thread.messages.push({ role: 'tool', content: thread.awaiting.map((call) => call.result!) });
      thread.awaiting = [];
      thread.sent = thread.messages.length;
    }
    return { ok: true, ids: [...ready], refused: [] };
  }

  /** The calls of this column still waiting for a result. */
  awaitingOf(id: string): Set<string> {
    return new Set((this.threads.get(id)?.awaiting ?? []).filter((call) => !call.result).map((call) => call.id));
  }

  messagesOf(id: string): readonly ChatMessage[] {
    return this.threads.get(id)?.messages ?? [];
  }

  /** Every thread, as the history and the exports keep it. */
  snapshot(): Record<string, ChatMessage[]> {
    return Object.fromEntries([...this.threads].map(([id, thread]) => [id, [...thread.messages]]));
  }
}

/** A saved thread: what it sent is all but a final answer; calls of a final answer with no results after wait again. */
function restoredThread(messages: ChatMessage[]): Thread {
  const last = messages.at(-1);
  const answered = last?.role === 'assistant';
  const calls = answered ? partsOf(last).filter((part) => part.type === 'tool-call') : [];
  return { messages: [...messages], sent: answered ? messages.length - 1 : messages.length, awaiting: calls.map((call) => ({ id: call.id, name: call.name, result: null })), answered };
}

/** The setup a run's request gives every column: the system prompt with its variables filled, tools, format. */
export function setupOf(request: RunRequest): ConversationSetup {
  return {
    ...(request.system.trim() ? { system: fill(request.system, request.variables) } : {}),
    params: request.params,
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.tools?.length && request.toolChoice ? { toolChoice: request.toolChoice } : {}),
    ...(request.responseFormat && request.responseFormat !== 'text' ? { responseFormat: request.responseFormat } : {}),
    ...(request.reasoning ? { reasoning: request.reasoning } : {}),
  };
}

/**
 * A saved thread with its images' bytes back: the image parts of a turn (saved without bytes) are the entry's images in
 * order; each gets its bytes from storage (`stored`, one per image, null where the file is gone: that one is left out).
 */
export function withStoredImages(messages: readonly ChatMessage[], stored: ReadonlyArray<ContentPart | null>): ChatMessage[] {
  return messages.map((message) => {
    if (typeof message.content === 'string' || !message.content.some((part) => part.type === 'image' && !part.data)) return message;
    let seen = 0;
    return { ...message, content: message.content.flatMap((part) => (part.type !== 'image' || part.data ? [part] : stored[seen++] ? [stored[seen - 1]!] : [])) };
  });
}
