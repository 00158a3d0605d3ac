/**
 * Fault knobs, per request. A request takes the next queued behaviour, else the one set for its model,
 * else the server's default. Emulators turn these into the real wire shape of their cloud.
 */
export interface Behaviour {
  /** Delay after the headers before the first token. */
  firstTokenDelayMs?: number;
  /** Delay before sending the response headers at all. */
  headersDelayMs?: number;
  /** Tokens per second after the first. 0 or undefined = as fast as possible. */
  tokensPerSecond?: number;
  /** How many tokens to answer with (default 12). */
  tokens?: number;
  /** Text to answer with instead of generated words (split into tokens on spaces). */
  text?: string;
  /** Answer with this HTTP error instead of a stream. */
  error?: { status: number; headers?: Record<string, string>; code?: string; message?: string };
  /** Reset the connection before sending anything at all. */
  resetBeforeHeaders?: boolean;
  /** Close the socket after this many tokens, with no finish. */
  dropAfterTokens?: number;
  /** Send the cloud's in-stream error after this many tokens (Bedrock: an exception frame). */
  streamErrorAfterTokens?: number;
  /** Which in-stream error (Bedrock exception type, e.g. "throttlingException"; default a server error). */
  streamErrorType?: string;
  /** Send a malformed frame / event after this many tokens. */
  malformedAfterTokens?: number;
  /** Stop sending (keep the socket open) after this many tokens. */
  stallAfterTokens?: number;
  /** Finish with the content filter's reason after the tokens. */
  contentFilter?: boolean;
  /** Finish as if max tokens was reached. */
  finishLength?: boolean;
  /** Cached input tokens to report in usage. */
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache, to report in usage (Bedrock batch output). */
  cacheWriteTokens?: number;
  /** Call this tool (offered or not) instead of answering. */
  callTool?: string;
  /** Send these arguments for the tool call, verbatim (e.g. malformed JSON). */
  toolArguments?: string;
  /** Answer `text` (or words) even when JSON or a tool was asked for, as a model that ignores the format does. */
  ignoreFormat?: boolean;
  /** Think and stop at max tokens before writing any visible answer (a reasoning-only answer). */
  reasoningOnly?: boolean;
  /** Asked for JSON with a schema: answer JSON that misses the schema's first required property. */
  jsonInvalid?: boolean;
}

export interface BehaviourRules {
  default?: Behaviour;
  byModel?: Record<string, Behaviour>;
}

export class BehaviourQueue {
  private readonly queue: Behaviour[] = [];
  constructor(public rules: BehaviourRules = {}) {}

  /** The next request (any model) gets this behaviour; queue several for a sequence (e.g. 429 then OK). */
  next(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  take(model: string): Behaviour {
    return this.queue.shift() ?? this.rules.byModel?.[model] ?? this.rules.default ?? {};
  }

  reset(rules: BehaviourRules = {}): void {
    this.queue.length = 0;
    this.rules = rules;
  }
}

const WORDS = ['Fanout', 'streams', 'one', 'prompt', 'to', 'every', 'cloud', 'and', 'compares', 'the', 'answers', 'side', 'by', 'side'];

/** The tokens of an answer: each a word with its leading space, so joined they read as text. */
export function answerTokens(behaviour: Behaviour, who: string): string[] {
  if (behaviour.text !== undefined) return behaviour.text.split(/(?= )/);
  const count = behaviour.tokens ?? 12;
  const tokens = [`[${who}]`];
  for (let i = 1; i < count; i++) tokens.push(` ${WORDS[(i - 1) % WORDS.length]}`);
  return tokens.slice(0, count);
}

/** A rough token count of the prompt, as a real tokenizer would give (about 4 characters a token). */
export function promptTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before token `index`, honouring the first-token delay and the token rate. */
export function delayBefore(index: number, behaviour: Behaviour): number {
  if (index === 0) return behaviour.firstTokenDelayMs ?? 0;
  return behaviour.tokensPerSecond ? 1000 / behaviour.tokensPerSecond : 0;
}
