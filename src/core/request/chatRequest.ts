/**
 * The request model (shared/DESIGN.md "Requests and stream parts"): a conversation of messages whose content is text
 * or a list of parts, the tools the model may call, how it must choose them, and the format of its answer. Every
 * front end builds this; every adapter maps it to its cloud's own wire format.
 */
import type { Params } from './params';

/** A JSON Schema, as the user wrote it. */
export type JsonSchema = Record<string, unknown>;

export type ContentPart =
  | { type: 'text'; text: string }
  /** Base64 `data`, or a `file` path the front end reads before sending. */
  | { type: 'image'; mediaType: string; data?: string; file?: string }
  /**
   * Reasoning an assistant turn showed, kept so a conversation can send it back as the cloud wants: Bedrock needs the
   * `signature` (or the redacted block) unchanged in later turns.
   */
  | { type: 'reasoning'; text: string; signature?: string; redactedData?: string }
  /** A call the assistant made: `arguments` is always a parsed object. */
  | { type: 'tool-call'; id: string; name: string; arguments: Record<string, unknown> }
  /** What a tool returned for one call, sent back in a `tool` message. */
  | { type: 'tool-result'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ChatMessage {
  role: 'user' | 'assistant' | 'tool';
  content: string | ContentPart[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** A JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat = 'text' | 'json' | { name: string; schema: JsonSchema; strict?: boolean };

export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
/** How much the model may think before answering: an effort, or a budget of reasoning tokens. */
export type Reasoning = { effort: ReasoningEffort } | { budgetTokens: number };

export interface ChatRequest {
  system?: string;
  messages: ChatMessage[];
  params: Params;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  reasoning?: Reasoning;
}

/** The parts of a message, whether it was written as a string or as parts. */
export const partsOf = (message: ChatMessage): ContentPart[] => (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content);

/** The text of a message: its text parts joined. */
export const reasoningBudgetOf = (reasoning: Reasoning): number | null => ('budgetTokens' in reasoning ? reasoning.budgetTokens : null);

export const textOf = (message: ChatMessage): string =>
  partsOf(message).map((part) => (part.type === 'text' ? part.text : '')).join('');

/** The JSON Schema the answer must follow, when the request asks for one. */
export const schemaOf = (request: ChatRequest): { name: string; schema: JsonSchema; strict?: boolean } | null =>
  typeof request.responseFormat === 'object' ? request.responseFormat : null;

/** Whether the answer must be JSON (any JSON, or one following a schema). */
export const wantsJson = (request: ChatRequest): boolean => request.responseFormat !== undefined && request.responseFormat !== 'text';

/** Whether the conversation so far holds tool calls or results (some clouds then need the tool definitions too). */
export const historyHasTools = (request: ChatRequest): boolean =>
  request.messages.some((message) => partsOf(message).some((part) => part.type === 'tool-call' || part.type === 'tool-result'));
