/**
 * Amazon Bedrock ConverseStream: `POST /model/{modelId}/converse-stream`, SigV4 verified by re-signing
 * the request with the stored secret (a wrong secret fails as the real service does), Bedrock API keys
 * as Bearer tokens, and the binary `application/vnd.amazon.eventstream` reply — over HTTP/1.1 and
 * cleartext HTTP/2 on the same port.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { BehaviourQueue, promptTokens, sleep, type Behaviour, type BehaviourRules } from './behaviour';
import { instructedSchema, planAnswer, reasoningFragments, reasoningTokensFor, type AnswerPlan, type ConversationRequest } from './conversation';
import { bedrockImages, mentionImages } from './images';
import { BatchJobs, type BatchJobKnobs } from './bedrockBatch';
import { handleS3, S3Store, sendS3Error } from './s3';
import { headerOf, signingServiceOf, verifySigV4, type AwsKey, type SigV4Refusal } from './sigv4';
import { Emulator, LoopbackServer, drop, head, sendJson, streamTokens, write, type EmulatorRequest, type EmulatorResponse } from './server';

export type { AwsKey } from './sigv4';

export interface BedrockEmulatorOptions {
  keys?: AwsKey[];
  /** Bedrock API keys accepted as `Authorization: Bearer`. */
  apiKeys?: string[];
  /** Known model ids (with or without an inference-profile prefix). Undefined accepts any. */
  models?: string[];
  contextTokens?: number;
  rules?: BehaviourRules;
  /** S3 buckets (name → region) on the same port, for batch inference. */
  buckets?: Record<string, string>;
  /** The batch control plane's knobs (roles it can assume, time per state, failures). */
  batch?: Partial<BatchJobKnobs>;
}

export const BATCH_DEFAULTS: BatchJobKnobs = { stateMs: 5, runMs: 20, roles: [], minRecords: 100 };

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export class BedrockEmulator extends Emulator {
  readonly behaviour: BehaviourQueue;
  readonly server: LoopbackServer;
  /** S3, path-style, and the batch control plane: batch inference on the same port as the runtime. */
  readonly s3: S3Store;
  readonly batch: BatchJobs;

  constructor(private readonly options: BedrockEmulatorOptions = {}) {
    super();
    this.behaviour = new BehaviourQueue(options.rules);
    this.s3 = new S3Store({ buckets: { ...options.buckets } });
    this.batch = new BatchJobs(this.s3, { ...BATCH_DEFAULTS, ...options.batch });
    this.server = new LoopbackServer((request, response, body) => this.handle(request, response, body), { http2: true });
  }


  private async handle(request: EmulatorRequest, response: EmulatorResponse, body: Buffer): Promise<void> {
    const requestId = randomUUID();
    const fail = (status: number, type: string, message: string, extra: Record<string, string> = {}): void =>
      sendJson(response, status, { message }, { 'x-amzn-requestid': requestId, 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...extra });

    const rawPath = request.url ?? '/';
    if (signingServiceOf(request) === 's3') return this.handleS3(request, rawPath, body, response);
    if (rawPath.startsWith('/model-invocation-job')) return this.handleControlPlane(request, response, rawPath, body, fail);
    const match = /^\/model\/([^/]+)\/converse-stream$/.exec(rawPath.split('?')[0]!);
    if (request.method !== 'POST' || !match) {
      fail(404, 'UnknownOperationException', `Unknown operation ${request.method} ${rawPath}`);
      return;
    }
    const denied = await this.authenticate(request, rawPath, body);
    if (denied) {
      fail(denied.status, denied.type, denied.message);
      return;
    }
    const modelId = decodeURIComponent(match[1]!);
    if (this.options.models && !this.options.models.includes(modelId)) {
      fail(400, 'ValidationException', 'The provided model identifier is invalid.');
      return;
    }
    let input: ConverseInput;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      fail(400, 'SerializationException', 'Could not parse the request body as JSON.');
      return;
    }
    const behaviour = this.behaviour.take(modelId);
    if (behaviour.resetBeforeHeaders) return drop(response);
    if (behaviour.headersDelayMs) await sleep(behaviour.headersDelayMs);
    if (behaviour.error) {
      const type = behaviour.error.code ?? ({ 400: 'ValidationException', 403: 'AccessDeniedException', 404: 'ResourceNotFoundException', 408: 'ModelTimeoutException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' } as Record<number, string>)[behaviour.error.status] ?? 'InternalServerException';
      const message = behaviour.error.message ?? (type === 'ThrottlingException' ? 'Too many requests, please wait before trying again.' : `${type}`);
      fail(behaviour.error.status, type, message, behaviour.error.headers);
      return;
    }
    const refused = refusedConverse(input, modelId);
    if (refused) {
      fail(400, 'ValidationException', refused);
      return;
    }
    const images = bedrockImages(input.messages);
    if (images.problem) {
      fail(400, 'ValidationException', images.problem);
      return;
    }
    const blocks: ConverseBlock[] = [...(input.system ?? []), ...(input.messages ?? []).flatMap((message) => message.content ?? [])];
    const prompt = blocks.map((block) => block.text ?? block.toolResult?.content?.map((part) => part.text ?? '').join('') ?? '').join('\n');
    const inputTokens = promptTokens(prompt);
    if (inputTokens > (this.options.contextTokens ?? 200_000)) {
      fail(400, 'ValidationException', 'Input is too long for requested model.');
      return;
    }
    const conversation = conversationOf(input);
    // Claude shows its thinking (with a signature); gpt-oss thinks without showing it here
    const thinking = input.additionalModelRequestFields?.thinking;
    const reasoning = thinking ? { text: reasoningFragments(modelId, conversation), tokens: reasoningTokensFor(undefined, thinking.budget_tokens) }
      : input.additionalModelRequestFields?.reasoning_effort ? { text: [], tokens: reasoningTokensFor(input.additionalModelRequestFields.reasoning_effort) } : null;
    await streamAnswer(response, { modelId, requestId, behaviour, inputTokens, plan: mentionImages(planAnswer(conversation, behaviour, modelId), images.count), reasoning });
  }

  private async handleS3(request: EmulatorRequest, rawPath: string, body: Buffer, response: EmulatorResponse): Promise<void> {
    const denied = await verifySigV4(request, rawPath, body, this.options.keys ?? [], 's3');
    if (denied) return sendS3Error(response, denied.status, denied.type, denied.message, {}, request.method === 'HEAD');
    this.batch.advanceAll();
    handleS3(this.s3, request.method ?? 'GET', rawPath, (name) => headerOf(request, name), body, response);
  }

  private async handleControlPlane(request: EmulatorRequest, response: EmulatorResponse, rawPath: string, body: Buffer, fail: (status: number, type: string, message: string) => void): Promise<void> {
    const denied = await this.authenticate(request, rawPath, body);
    if (denied) return fail(denied.status, denied.type, denied.message);
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headerOf(request, 'authorization') ?? '')?.[1] ?? 'us-east-1';
    const answer = this.batch.handle(request.method ?? 'GET', rawPath, body, region);
    if ('error' in answer) return fail(answer.status, answer.error, answer.message);
    sendJson(response, answer.status, answer.body, { 'x-amzn-requestid': randomUUID() });
  }

  /** Null when the request is signed by a known key (or carries a known API key); else the service's refusal. */
  private async authenticate(request: EmulatorRequest, rawPath: string, body: Buffer, service = 'bedrock'): Promise<SigV4Refusal | null> {
    const bearer = /^Bearer (.+)$/.exec(headerOf(request, 'authorization') ?? '')?.[1];
    if (bearer) {
      return (this.options.apiKeys ?? []).includes(bearer) ? null : { status: 403, type: 'AccessDeniedException', message: 'Authentication failed: Please make sure your API Key is valid.' };
    }
    return verifySigV4(request, rawPath, body, this.options.keys ?? [], service);
  }
}

export interface ConverseBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; content?: Array<{ text?: string }>; status?: string };
  image?: unknown;
}
export interface ConverseInput {
  messages?: Array<{ role?: string; content?: ConverseBlock[] }>;
  system?: Array<{ text?: string }>;
  toolConfig?: { tools?: Array<{ toolSpec?: { name: string; inputSchema?: { json?: unknown } } }>; toolChoice?: { auto?: object; any?: object; tool?: { name: string } } };
  outputConfig?: { textFormat?: { structure?: { jsonSchema?: { schema?: string } } } };
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number };
  additionalModelRequestFields?: { thinking?: { type: string; budget_tokens: number }; reasoning_effort?: string };
}

/** What Converse refuses about a conversation, in Bedrock's words (ValidationException); null when it takes it. */
export function refusedConverse(input: ConverseInput, modelId: string): string | null {
  const messages = input.messages ?? [];
  if (messages[0]?.role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  if (messages.some((message, index) => index > 0 && message.role === messages[index - 1]!.role)) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
  const toolBlocks = messages.some((message) => (message.content ?? []).some((block) => block.toolUse || block.toolResult));
  if (toolBlocks && !input.toolConfig?.tools?.length) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  if (input.toolConfig?.toolChoice?.tool && !/anthropic\.claude|amazon\.nova|mistral\.mistral-large/.test(modelId)) return 'This model doesn\'t support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again.';
  const thinking = input.additionalModelRequestFields?.thinking;
  if (thinking) {
    if (input.inferenceConfig?.temperature !== undefined && input.inferenceConfig.temperature !== 1) return 'temperature may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking';
    if (input.inferenceConfig?.topP !== undefined) return 'top_p cannot be set when thinking is enabled.';
    if ((input.inferenceConfig?.maxTokens ?? 4096) <= thinking.budget_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  }
  return null;
}

/** The conversation as the emulated model sees it. */
export function conversationOf(input: ConverseInput): ConversationRequest {
  const last = input.messages?.at(-1);
  // a tool result the user message ends with (a question after it is answered as a question)
  const result = last?.role === 'user' ? last.content?.at(-1)?.toolResult : undefined;
  const names = new Map((input.messages ?? []).flatMap((message) => (message.content ?? []).flatMap((block) => (block.toolUse ? [[block.toolUse.toolUseId, block.toolUse.name] as const] : []))));
  const choice = input.toolConfig?.toolChoice;
  const nativeSchema = input.outputConfig?.textFormat?.structure?.jsonSchema?.schema;
  const instructed = instructedSchema((input.system ?? []).map((block) => block.text ?? '').join('\n'));
  return {
    tools: (input.toolConfig?.tools ?? []).flatMap((tool) => (tool.toolSpec ? [{ name: tool.toolSpec.name, parameters: tool.toolSpec.inputSchema?.json }] : [])),
    toolChoice: choice?.tool ? choice.tool.name : choice?.any ? 'any' : 'auto',
    toolResult: result ? { name: names.get(result.toolUseId) ?? 'tool', text: (result.content ?? []).map((part) => part.text ?? '').join('') } : null,
    schema: nativeSchema ? (JSON.parse(nativeSchema) as Record<string, unknown>) : instructed.schema,
    json: nativeSchema !== undefined || instructed.json,
  };
}

function frame(messageType: 'event' | 'exception', type: string, payload: Record<string, unknown>): Uint8Array {
  const typeHeader = messageType === 'event' ? ':event-type' : ':exception-type';
  return codec.encode({
    headers: {
      [typeHeader]: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: messageType },
    },
    // real frames carry a random padding field `p`
    body: fromUtf8(JSON.stringify({ ...payload, ...(messageType === 'event' ? { p: randomBytes(6).toString('base64url') } : {}) })),
  });
}

async function streamAnswer(response: EmulatorResponse, plan: { modelId: string; requestId: string; behaviour: Behaviour; inputTokens: number; plan: AnswerPlan; reasoning: { text: string[]; tokens: number } | null }): Promise<void> {
  const { behaviour } = plan;
  const started = performance.now();
  head(response, 200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': plan.requestId });
  write(response, frame('event', 'messageStart', { role: 'assistant' }));
  const call = plan.plan.kind === 'tool-call' ? plan.plan : null;
  // thinking comes first, in block 0: its text, then the signature the next turn must send back unchanged
  const thinkingBlock = plan.reasoning?.text.length ? 1 : 0;
  if (thinkingBlock) {
    for (const text of plan.reasoning!.text) write(response, frame('event', 'contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text } } }));
    write(response, frame('event', 'contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: `sig_${plan.requestId.replace(/-/g, '')}` } } }));
    write(response, frame('event', 'contentBlockStop', { contentBlockIndex: 0 }));
  }
  const reasoningOnly = behaviour.reasoningOnly === true && plan.reasoning !== null;
  // a tool call is its own content block: started with its id and name, then its input as JSON fragments
  if (call && !reasoningOnly) write(response, frame('event', 'contentBlockStart', { contentBlockIndex: thinkingBlock, start: { toolUse: { toolUseId: `tooluse_${plan.requestId.replace(/-/g, '').slice(0, 22)}`, name: call.name } } }));
  const tokens = reasoningOnly ? [] : call ? call.argumentFragments : plan.plan.kind === 'text' ? plan.plan.tokens : [];
  const finished = await streamTokens(response, tokens, behaviour, {
    token: (text) => frame('event', 'contentBlockDelta', { contentBlockIndex: thinkingBlock, delta: call ? { toolUse: { input: text } } : { text } }),
    streamError: () => {
      const type = behaviour.streamErrorType ?? 'internalServerException';
      return frame('exception', type, { message: type === 'throttlingException' ? 'Too many tokens, please wait before trying again.' : 'The system encountered an unexpected error during processing. Try your request again.' });
    },
    malformed: () => {
      const broken = Buffer.from(frame('event', 'contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'broken' } }));
      broken[broken.length - 6] = broken[broken.length - 6]! ^ 0xff; // payload no longer matches the message CRC
      return broken;
    },
  });
  if (!finished) return;
  if (!reasoningOnly) write(response, frame('event', 'contentBlockStop', { contentBlockIndex: thinkingBlock }));
  const stopReason = behaviour.contentFilter ? 'content_filtered' : behaviour.finishLength || reasoningOnly ? 'max_tokens' : call ? 'tool_use' : 'end_turn';
  write(response, frame('event', 'messageStop', { stopReason }));
  const cached = behaviour.cachedInputTokens ?? 0;
  write(response, frame('event', 'metadata', {
    // Bedrock counts thinking inside outputTokens and says no more
    usage: { inputTokens: plan.inputTokens - cached, outputTokens: tokens.length + (plan.reasoning?.tokens ?? 0), totalTokens: plan.inputTokens + tokens.length + (plan.reasoning?.tokens ?? 0), ...(cached ? { cacheReadInputTokens: cached, cacheWriteInputTokens: 0 } : {}) },
    metrics: { latencyMs: Math.round(performance.now() - started) },
  }));
  response.end();
}
