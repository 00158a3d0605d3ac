/**
 * Gemini over SSE, as the Gemini API (`/v1beta/models/M:streamGenerateContent?alt=sse`, `x-goog-api-key`)
 * and Vertex AI (`/v1beta1/projects/P/locations/L/publishers/google/models/M:...`, Bearer token) send it,
 * plus the GCE metadata server that Application Default Credentials ask for a token
 * (point GCE_METADATA_HOST at this server).
 */
import { randomUUID } from 'node:crypto';
import { BehaviourQueue, promptTokens, sleep, type Behaviour, type BehaviourRules } from './behaviour';
import { instructedSchema, planAnswer, reasoningFragments, reasoningTokensFor, type AnswerPlan, type ConversationRequest } from './conversation';
import { geminiImages, mentionImages } from './images';
import { Emulator, LoopbackServer, drop, head, sendJson, streamTokens, write, type EmulatorResponse, type RecordedRequest } from './server';

export interface GoogleEmulatorOptions {
  /** Gemini API keys accepted. */
  apiKeys?: string[];
  /** Access tokens accepted by the Vertex routes (the metadata server's token is always accepted). */
  vertexTokens?: string[];
  /** The token and project the metadata server hands out. */
  metadataToken?: string;
  metadataProject?: string;
  contextTokens?: number;
  rules?: BehaviourRules;
}

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

export class GoogleEmulator extends Emulator {
  readonly behaviour: BehaviourQueue;
  readonly server: LoopbackServer;
  /** How many tokens the metadata server has issued. */
  tokensIssued = 0;

  constructor(private readonly options: GoogleEmulatorOptions = {}) {
    super();
    this.behaviour = new BehaviourQueue(options.rules);
    this.server = new LoopbackServer((request, response, body, record) => this.handle(request.url ?? '/', request.headers as Record<string, string | undefined>, response, body, record));
  }


  /** host:port, the form GCE_METADATA_HOST takes. */
  get metadataHost(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  private async handle(rawUrl: string, headers: Record<string, string | undefined>, response: EmulatorResponse, raw: Buffer, record: RecordedRequest): Promise<void> {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    if (url.pathname.startsWith('/computeMetadata/') || (record.method === 'GET' && url.pathname === '/')) {
      this.metadata(url.pathname, headers, response);
      return;
    }
    const fail = (status: number, message: string, details: unknown[] = []): void =>
      sendJson(response, status, { error: { code: status, message, status: STATUS_NAME[status] ?? 'UNKNOWN', ...(details.length ? { details } : {}) } });

    const gemini = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(url.pathname);
    const vertex = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(url.pathname);
    if (record.method !== 'POST' || (!gemini && !vertex)) {
      fail(404, `Requested entity was not found (${record.method} ${url.pathname}).`);
      return;
    }
    if (gemini) {
      const key = headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? undefined;
      if (!key) {
        fail(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        return;
      }
      if (!(this.options.apiKeys ?? []).includes(key)) {
        fail(400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
        return;
      }
    } else {
      const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      const accepted = [...(this.options.vertexTokens ?? []), ...(this.options.metadataToken ? [this.options.metadataToken] : [])];
      if (!token || !accepted.includes(token)) {
        fail(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
        return;
      }
    }
    const model = decodeURIComponent((gemini ? gemini[2] : vertex![4])!);
    let body: GenerateContentBody;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      fail(400, 'Invalid JSON payload received.');
      return;
    }
    const behaviour = this.behaviour.take(model);
    if (behaviour.resetBeforeHeaders) return drop(response);
    if (behaviour.headersDelayMs) await sleep(behaviour.headersDelayMs);
    if (behaviour.error) {
      const status = behaviour.error.status;
      const details = status === 429 && behaviour.error.headers?.['retry-after']
        ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${behaviour.error.headers['retry-after']}s` }]
        : [];
      fail(status, behaviour.error.message ?? (status === 429 ? 'Resource has been exhausted (e.g. check quota).' : status >= 500 ? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' : 'Request failed.'), details);
      return;
    }
    const refused = refusedRequest(body, model);
    if (refused) {
      fail(400, refused);
      return;
    }
    const images = geminiImages(body.contents);
    if (images.problem) {
      fail(400, images.problem);
      return;
    }
    const prompt = [...(body.systemInstruction?.parts ?? []), ...(body.contents ?? []).flatMap((content) => content.parts ?? [])].map((part) => part.text ?? (part.functionResponse ? JSON.stringify(part.functionResponse.response) : '')).join('\n');
    const inputTokens = promptTokens(prompt);
    const limit = this.options.contextTokens ?? 1_048_576;
    if (inputTokens > limit) {
      fail(400, `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${limit}).`);
      return;
    }
    const conversation = conversationOf(body);
    const thinking = body.generationConfig?.thinkingConfig;
    const reasoning = thinking ? { text: thinking.includeThoughts ? reasoningFragments(model, conversation) : [], tokens: reasoningTokensFor(thinking.thinkingLevel?.toLowerCase(), thinking.thinkingBudget) } : null;
    await streamAnswer(response, { model, behaviour, inputTokens, vertex: vertex !== null, plan: mentionImages(planAnswer(conversation, behaviour, model), images.count), reasoning });
  }

  private metadata(path: string, headers: Record<string, string | undefined>, response: EmulatorResponse): void {
    const flavour = { 'metadata-flavor': 'Google' };
    if (headers['metadata-flavor'] !== 'Google') {
      head(response, 403, { 'content-type': 'text/html', ...flavour });
      response.end('Missing Metadata-Flavor:Google header.');
      return;
    }
    if (path.endsWith('/service-accounts/default/token')) {
      this.tokensIssued++;
      sendJson(response, 200, { access_token: this.options.metadataToken ?? 'ya29.emulator-metadata-token', expires_in: 3599, token_type: 'Bearer' }, flavour);
      return;
    }
    if (path.endsWith('/project/project-id')) {
      head(response, 200, { 'content-type': 'application/text', ...flavour });
      response.end(this.options.metadataProject ?? 'fanout-emulated');
      return;
    }
    head(response, 200, { 'content-type': 'application/text', ...flavour });
    response.end('');
  }
}

interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args?: unknown };
  functionResponse?: { name: string; response?: unknown };
}
interface GenerateContentBody {
  contents?: Array<{ role?: string; parts?: GeminiPart[] }>;
  systemInstruction?: { parts?: GeminiPart[] };
  tools?: Array<{ functionDeclarations?: Array<{ name: string; parameters?: unknown; parametersJsonSchema?: unknown }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  generationConfig?: { responseMimeType?: string; responseJsonSchema?: Record<string, unknown>; responseSchema?: Record<string, unknown>; thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean } };
}

/** Keywords Gemini's JSON Schema subset takes; any other is refused with "Unknown name". */
const SCHEMA_KEYWORDS = new Set(['$id', '$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems', 'minItems', 'maxItems',
  'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering', 'nullable']);

function unknownKeyword(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null) return null;
  if (Array.isArray(schema)) return schema.map(unknownKeyword).find((name) => name !== null) ?? null;
  for (const [key, child] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key)) return key;
    const inner = key === 'enum' || key === 'required' ? null : key === 'properties' || key === '$defs' ? Object.values(child as object).map(unknownKeyword).find((name) => name !== null) ?? null : unknownKeyword(child);
    if (inner) return inner;
  }
  return null;
}

/** What the Gemini API and Vertex AI refuse, in their words; null when they take it. */
function refusedRequest(body: GenerateContentBody, model: string): string | null {
  const config = body.generationConfig ?? {};
  if (config.thinkingConfig && !/^gemini-(2\.5|3)/.test(model)) return 'Thinking is not supported for this model.';
  if (config.thinkingConfig?.thinkingLevel && !/^gemini-3/.test(model)) return 'Thinking level is not supported for this model. Please retry with a thinking budget instead.';
  const declarations = (body.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  if (declarations.length && config.responseMimeType === 'application/json') return "Function calling with a response mime type: 'application/json' is unsupported";
  const schemaKeyword = unknownKeyword(config.responseJsonSchema ?? config.responseSchema);
  if (schemaKeyword) return `Invalid JSON payload received. Unknown name "${schemaKeyword}" at 'generation_config.response_schema': Cannot find field.`;
  for (const [index, declaration] of declarations.entries()) {
    const keyword = unknownKeyword(declaration.parametersJsonSchema ?? declaration.parameters);
    if (keyword) return `Invalid JSON payload received. Unknown name "${keyword}" at 'tools[0].function_declarations[${index}].parameters': Cannot find field.`;
  }
  return null;
}

/** The conversation as the emulated model sees it. */
function conversationOf(body: GenerateContentBody): ConversationRequest {
  const last = body.contents?.at(-1);
  const result = last?.role !== 'model' ? last?.parts?.find((part) => part.functionResponse)?.functionResponse : undefined;
  const calling = body.toolConfig?.functionCallingConfig;
  const instructed = instructedSchema((body.systemInstruction?.parts ?? []).map((part) => part.text ?? '').join('\n'));
  const json = body.generationConfig?.responseMimeType === 'application/json';
  return {
    tools: (body.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []).map((declaration) => ({ name: declaration.name, parameters: declaration.parametersJsonSchema ?? declaration.parameters })),
    toolChoice: calling?.mode === 'NONE' ? 'none' : calling?.allowedFunctionNames?.[0] ?? (calling?.mode === 'ANY' ? 'any' : 'auto'),
    toolResult: result ? { name: result.name, text: JSON.stringify(result.response ?? {}) } : null,
    schema: json ? body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema ?? null : instructed.schema,
    json: json || instructed.json,
  };
}

async function streamAnswer(response: EmulatorResponse, plan: { model: string; behaviour: Behaviour; inputTokens: number; vertex: boolean; plan: AnswerPlan; reasoning: { text: string[]; tokens: number } | null }): Promise<void> {
  const { behaviour } = plan;
  const responseId = randomUUID().replace(/-/g, '').slice(0, 22);
  head(response, 200, { 'content-type': 'text/event-stream', 'x-goog-request-id': responseId });
  // Gemini sends a function call whole, in one part, with no id of its own
  const call = plan.plan.kind === 'tool-call' ? plan.plan : null;
  const reasoningOnly = behaviour.reasoningOnly === true && plan.reasoning !== null;
  const tokens = reasoningOnly ? [] : call ? [call.argumentFragments.join('')] : plan.plan.kind === 'text' ? plan.plan.tokens : [];
  const cached = behaviour.cachedInputTokens ?? 0;
  const event = (candidate: Record<string, unknown>, usage: Record<string, unknown>): string =>
    `data: ${JSON.stringify({ candidates: [{ ...candidate, index: 0 }], usageMetadata: usage, modelVersion: plan.model, ...(plan.vertex ? { createTime: new Date().toISOString() } : {}), responseId })}\r\n\r\n`;
  const running = { promptTokenCount: plan.inputTokens, totalTokenCount: plan.inputTokens };
  // thought summaries come first, as parts marked `thought`
  for (const text of plan.reasoning?.text ?? []) write(response, event({ content: { role: 'model', parts: [{ text, thought: true }] } }, running));
  const finished = await streamTokens(response, tokens, behaviour, {
    token: (text) => event({ content: { role: 'model', parts: [call ? { functionCall: { name: call.name, args: parseArguments(text) } } : { text }] } }, running),
    streamError: () => `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\r\n\r\n`,
    malformed: () => 'data: {"candidates": [{"content": {"parts": [{"te\r\n\r\n',
  });
  if (!finished) return;
  const finishReason = behaviour.contentFilter ? 'SAFETY' : behaviour.finishLength || reasoningOnly ? 'MAX_TOKENS' : 'STOP';
  write(response, event({ content: { role: 'model', parts: call ? [] : [{ text: '' }] }, finishReason }, {
    promptTokenCount: plan.inputTokens,
    candidatesTokenCount: tokens.length,
    // thinking is counted apart from the candidates, and billed as output
    ...(plan.reasoning ? { thoughtsTokenCount: plan.reasoning.tokens } : {}),
    totalTokenCount: plan.inputTokens + tokens.length + (plan.reasoning?.tokens ?? 0),
    ...(cached ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.inputTokens }],
  }));
  response.end();
}

/** A function call's args must be an object on Gemini's wire; unparsable text goes as a string the SDK will hand over. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
