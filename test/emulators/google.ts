/**
 * Gemini over SSE, as the Gemini API (`/v1beta/models/M:streamGenerateContent?alt=sse`, `x-goog-api-key`)
 * and Vertex AI (`/v1beta1/projects/P/locations/L/publishers/google/models/M:...`, Bearer token) send it,
 * plus the GCE metadata server that Application Default Credentials ask for a token
 * (point GCE_METADATA_HOST at this server), and the batch control planes on the same port: the Gemini API's files
 * and batches (geminiBatch.ts), Vertex AI's batch jobs (vertexBatch.ts) and Cloud Storage (cloudStorage.ts).
 */
import { randomUUID } from 'node:crypto';
import { BehaviourQueue, sleep, type Behaviour, type BehaviourRules } from './behaviour';
import type { AnswerPlan } from './conversation';
import { StorageEmulator } from './cloudStorage';
import { GeminiBatchEmulator } from './geminiBatch';
import { prepareAnswer, wholeAnswer, type GenerateContentBody } from './googleAnswer';
import { VertexBatchEmulator } from './vertexBatch';
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
  /** The batch control planes' clock (tests move it instead of waiting); default Date.now. */
  clock?: () => number;
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
  /** Cloud Storage (Vertex AI batch files), the Gemini API's files and batches, Vertex AI's batch jobs. */
  readonly storage: StorageEmulator;
  readonly geminiBatch: GeminiBatchEmulator;
  readonly vertexBatch: VertexBatchEmulator;

  constructor(private readonly options: GoogleEmulatorOptions = {}) {
    super();
    this.behaviour = new BehaviourQueue(options.rules);
    this.server = new LoopbackServer((request, response, body, record) => this.handle(request.url ?? '/', request.headers as Record<string, string | undefined>, response, body, record));
    const now = options.clock ?? Date.now;
    // a batch line takes the rules for its model (never the queue, which is for streamed requests)
    const answer = (vertex: boolean) => (body: GenerateContentBody, model: string) =>
      wholeAnswer(body, model, this.behaviour.rules.byModel?.[model] ?? this.behaviour.rules.default ?? {}, vertex);
    this.storage = new StorageEmulator(() => this.url);
    this.geminiBatch = new GeminiBatchEmulator(() => this.url, now, answer(false));
    this.vertexBatch = new VertexBatchEmulator(this.storage, now, answer(true));
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

    if (/^\/(upload\/|download\/)?storage\/v1\//.test(url.pathname)) {
      // a resumable session's URI is its own credential (Cloud Storage: "the session URI acts as an authentication token")
      const session = url.searchParams.has('upload_id');
      if ((session || !this.vertexTokenProblem(headers, fail)) && !this.storage.handle(record.method, url, headers, raw, response)) fail(404, 'Not Found');
      return;
    }
    if (/\/batchPredictionJobs(\/|$)/.test(url.pathname)) {
      if (!this.vertexTokenProblem(headers, fail) && !this.vertexBatch.handle(record.method, url, raw, response)) fail(404, 'Not Found');
      return;
    }
    if (/^\/((upload|download)\/)?v1(beta|alpha)?\/(files|batches)(\/|$)|:batchGenerateContent$/.test(url.pathname)) {
      if (!this.geminiKeyProblem(headers, url, fail) && !this.geminiBatch.handle(record.method, url, headers, raw, response)) fail(404, `Requested entity was not found (${record.method} ${url.pathname}).`);
      return;
    }
    const gemini = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(url.pathname);
    const vertex = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(url.pathname);
    if (record.method !== 'POST' || (!gemini && !vertex)) {
      fail(404, `Requested entity was not found (${record.method} ${url.pathname}).`);
      return;
    }
    if (gemini ? this.geminiKeyProblem(headers, url, fail) : this.vertexTokenProblem(headers, fail)) return;
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
    const prepared = prepareAnswer(body, model, behaviour, this.options.contextTokens);
    if ('problem' in prepared) {
      fail(400, prepared.problem);
      return;
    }
    await streamAnswer(response, { model, behaviour, vertex: vertex !== null, ...prepared });
  }

  /** The Gemini API's answer to a missing or unknown key (sent), or false when the key is good. */
  private geminiKeyProblem(headers: Record<string, string | undefined>, url: URL, fail: (status: number, message: string, details?: unknown[]) => void): boolean {
    const key = headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? undefined;
    if (!key) {
      fail(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
      return true;
    }
    if (!(this.options.apiKeys ?? []).includes(key)) {
      fail(400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
      return true;
    }
    return false;
  }

  /** Vertex AI's (and Cloud Storage's) answer to a missing or unknown access token (sent), or false when it is good. */
  private vertexTokenProblem(headers: Record<string, string | undefined>, fail: (status: number, message: string) => void): boolean {
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const accepted = [...(this.options.vertexTokens ?? []), ...(this.options.metadataToken ? [this.options.metadataToken] : [])];
    if (token && accepted.includes(token)) return false;
    fail(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    return true;
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
