/**
 * OpenAI chat completions over SSE, as api.openai.com and every OpenAI-compatible server send it, and
 * Azure OpenAI's flavour: deployment URLs with api-version, `api-key` or Entra `Bearer` auth, a first chunk
 * of prompt_filter_results with `choices: []`, and Azure's error bodies. And Vertex AI's OpenAI-compatible endpoint
 * (`/v1/projects/P/locations/L/endpoints/openapi/chat/completions`, a Google access token as Bearer, Google's error bodies).
 */
import { randomUUID } from 'node:crypto';
import { BehaviourQueue, answerTokens, promptTokens, sleep, type Behaviour, type BehaviourRules } from './behaviour';
import { instructedSchema, planAnswer, reasoningFragments, reasoningTokensFor, type AnswerPlan, type ConversationRequest } from './conversation';
import { mentionImages, openaiImages } from './images';
import { BatchService } from './openaiBatch';
import { serveResponses, type ResponsesBody } from './responses';
import { Emulator, LoopbackServer, drop, head, sendJson, streamTokens, write, type EmulatorResponse, type RecordedRequest } from './server';

export interface OpenAIEmulatorOptions {
  /** Keys accepted as `Authorization: Bearer`. Undefined accepts any (as local servers do), [] accepts none. */
  apiKeys?: string[];
  /** Azure: keys accepted in `api-key`, and Entra tokens accepted as `Bearer`. */
  azureKeys?: string[];
  azureTokens?: string[];
  /** Azure deployment name → the model it runs. Unknown deployments get 404 DeploymentNotFound. */
  azureDeployments?: Record<string, string>;
  /** Stream reasoning text as `delta.reasoning_content` when reasoning is asked for (as vLLM and DeepSeek do; OpenAI does not). */
  streamsReasoning?: boolean;
  /** Vertex AI: Google access tokens accepted as `Bearer` on the `endpoints/openapi` route. */
  vertexTokens?: string[];
  /** Prompts over this many tokens get context_length_exceeded. */
  contextTokens?: number;
  rules?: BehaviourRules;
}

export type Flavour = 'openai' | 'azure' | 'vertex';

export interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string }> | null; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string } }> }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ type: string; function: { name: string; parameters?: unknown } }>;
  tool_choice?: string | { type: string; function: { name: string } };
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean } };
  reasoning_effort?: string;
  temperature?: number;
  top_p?: number;
}

const textOfContent = (content: ChatBody['messages'] extends Array<infer M> | undefined ? M extends { content: infer C } ? C : never : never): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');

/** The conversation as the emulated model sees it. */
function conversationOf(body: ChatBody): ConversationRequest {
  const messages = body.messages ?? [];
  const last = messages.at(-1);
  const calledNames = new Map(messages.flatMap((message) => (message.tool_calls ?? []).map((call) => [call.id, call.function.name] as const)));
  const system = messages.filter((message) => message.role === 'system').map((message) => textOfContent(message.content)).join('\n');
  const instructed = instructedSchema(system);
  const format = body.response_format;
  const choice = body.tool_choice;
  return {
    tools: (body.tools ?? []).map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters })),
    toolChoice: typeof choice === 'object' ? choice.function.name : choice === 'required' ? 'any' : choice ?? 'auto',
    toolResult: last?.role === 'tool' ? { name: calledNames.get(last.tool_call_id ?? '') ?? 'tool', text: textOfContent(last.content) } : null,
    schema: format?.type === 'json_schema' ? format.json_schema?.schema ?? null : instructed.schema,
    json: format?.type === 'json_object' || format?.type === 'json_schema' || instructed.json,
  };
}

/** OpenAI's reasoning models refuse sampling parameters, in OpenAI's words. */
function refusedSampling(body: ChatBody, model: string): string | null {
  if (!/^(o\d|gpt-5)/.test(model)) return null;
  const named = body.temperature !== undefined ? 'temperature' : body.top_p !== undefined ? 'top_p' : null;
  return named ? `Unsupported parameter: '${named}' is not supported with this model.` : null;
}

/** What OpenAI and Azure refuse about response_format, as they word it; null when they take it. */
function refusedFormat(body: ChatBody, flavour: Flavour, apiVersion: string | null): string | null {
  const format = body.response_format;
  if (format?.type !== 'json_schema') return null;
  if (flavour === 'azure' && apiVersion !== null && apiVersion.slice(0, 10) < '2024-08-01') {
    return `response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later`;
  }
  const strict = format.json_schema?.strict === true;
  if (flavour === 'azure' && !strict) return `Invalid schema for response_format '${format.json_schema?.name}': only strict schemas are supported (set "strict": true)`;
  if (!strict) return null;
  const problem = firstStrictProblem(format.json_schema?.schema ?? {}, '');
  return problem ? `Invalid schema for response_format '${format.json_schema?.name}': In context=(${problem.context}), ${problem.message}` : null;
}

function firstStrictProblem(schema: Record<string, unknown>, context: string): { context: string; message: string } | null {
  if (schema.type === 'object' || schema.properties) {
    if (schema.additionalProperties !== false) return { context, message: "'additionalProperties' is required to be supplied and to be false" };
    const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const missing = properties.find((name) => !required.has(name));
    if (missing) return { context, message: `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'` };
    for (const [name, child] of Object.entries((schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
      const inner = firstStrictProblem(child, `${context ? `${context}, ` : ''}'properties', '${name}'`);
      if (inner) return inner;
    }
  }
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items) return firstStrictProblem(schema.items as Record<string, unknown>, `${context ? `${context}, ` : ''}'items'`);
  return null;
}

export class OpenAIEmulator extends Emulator {
  readonly behaviour: BehaviourQueue;
  readonly server: LoopbackServer;
  /** OpenAI's and Azure's files and batches routes (test/emulators/openaiBatch.ts). */
  readonly batches: BatchService;

  constructor(private readonly options: OpenAIEmulatorOptions = {}) {
    super();
    this.behaviour = new BehaviourQueue(options.rules);
    this.batches = new BatchService({ behaviour: this.behaviour, azureDeployments: options.azureDeployments, authorised: (flavour, headers) => this.authorised(flavour, headers) });
    this.server = new LoopbackServer((request, response, body, record) => this.handle(request.url ?? '/', request.headers as Record<string, string | undefined>, response, body, record));
  }


  /** Whether the request's credential is one this flavour takes (the files and batches routes check it the same way). */
  private authorised(flavour: Flavour, headers: Record<string, string | undefined>): boolean {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (flavour === 'azure') {
      const key = headers['api-key'];
      return (key !== undefined && (this.options.azureKeys ?? []).includes(key)) || (bearer !== undefined && (this.options.azureTokens ?? []).includes(bearer));
    }
    return this.options.apiKeys === undefined || (bearer !== undefined && this.options.apiKeys.includes(bearer));
  }

  private async handle(rawUrl: string, headers: Record<string, string | undefined>, response: EmulatorResponse, raw: Buffer, record: RecordedRequest): Promise<void> {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const azureDeployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
    const azureV1 = /^\/openai\/v1\/(chat\/completions|responses)$/.test(url.pathname);
    const responsesApi = /^\/(v1|openai\/v1)\/responses$/.test(url.pathname); // the Responses API: test/emulators/responses.ts
    const vertex = /^\/v1(beta1)?\/projects\/[^/]+\/locations\/[^/]+\/endpoints\/openapi\/chat\/completions$/.test(url.pathname);
    const flavour: Flavour = azureDeployment || azureV1 ? 'azure' : vertex ? 'vertex' : 'openai';
    if (this.batches.handle(url, record.method, headers, raw, response)) return;
    const requestId = randomUUID();
    const ids: Record<string, string> = flavour === 'azure' ? { 'apim-request-id': requestId, 'x-request-id': requestId } : flavour === 'vertex' ? {} : { 'x-request-id': `req_${requestId.replace(/-/g, '')}` };

    if (record.method === 'GET' && /\/models$/.test(url.pathname)) {
      sendJson(response, 200, { object: 'list', data: Object.keys(this.options.rules?.byModel ?? {}).map((id) => ({ id, object: 'model', owned_by: 'emulator' })) }, ids);
      return;
    }
    if (record.method !== 'POST' || !(url.pathname.endsWith('/chat/completions') || responsesApi)) {
      sendJson(response, 404, { error: { message: `Invalid URL (${record.method} ${url.pathname})`, type: 'invalid_request_error', param: null, code: null } }, ids);
      return;
    }

    // Authentication, as each service checks it
    if (flavour === 'azure') {
      if (azureDeployment && !url.searchParams.get('api-version')) {
        sendJson(response, 400, { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } }, ids);
        return;
      }
      const key = headers['api-key'];
      const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      const keyOk = key !== undefined && (this.options.azureKeys ?? []).includes(key);
      const tokenOk = bearer !== undefined && (this.options.azureTokens ?? []).includes(bearer);
      if (!keyOk && !tokenOk) {
        sendJson(response, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } }, ids);
        return;
      }
    } else if (flavour === 'vertex') {
      const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      if (!bearer || !(this.options.vertexTokens ?? []).includes(bearer)) {
        sendJson(response, 401, [{ error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', status: 'UNAUTHENTICATED' } }], ids);
        return;
      }
    } else if (this.options.apiKeys !== undefined) {
      const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      if (!bearer || !this.options.apiKeys.includes(bearer)) {
        const shown = bearer ? `${bearer.slice(0, 3)}*****${bearer.slice(-4)}` : '';
        sendJson(response, 401, { error: { message: bearer ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.` : "You didn't provide an API key.", type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, ids);
        return;
      }
    }

    let body: ChatBody;
    try {
      body = JSON.parse(raw.toString('utf8')) as ChatBody;
    } catch {
      sendJson(response, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null } }, ids);
      return;
    }
    let model = body.model ?? '';
    if (azureDeployment) {
      const name = decodeURIComponent(azureDeployment[1]!);
      const deployed = this.options.azureDeployments?.[name];
      if (!deployed) {
        sendJson(response, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }, ids);
        return;
      }
      model = deployed;
    }

    const behaviour = this.behaviour.take(model);
    if (behaviour.resetBeforeHeaders) return drop(response);
    if (behaviour.headersDelayMs) await sleep(behaviour.headersDelayMs);
    if (behaviour.error) {
      sendError(response, flavour, behaviour.error, ids);
      return;
    }
    if (responsesApi) {
      await serveResponses(response, body as ResponsesBody, { flavour, requestId, ids, behaviour, azureDeployments: this.options.azureDeployments, contextTokens: this.options.contextTokens });
      return;
    }
    const refused = refusedFormat(body, flavour, url.searchParams.get('api-version')) ?? refusedSampling(body, model);
    if (refused) {
      sendJson(response, 400, flavour === 'vertex'
        ? [{ error: { code: 400, message: refused, status: 'INVALID_ARGUMENT' } }]
        : { error: { message: refused, type: 'invalid_request_error', param: 'response_format', code: flavour === 'azure' ? 'BadRequest' : null } }, ids);
      return;
    }
    const images = openaiImages(body.messages);
    if (images.problem) {
      sendJson(response, 400, { error: { message: images.problem, type: 'invalid_request_error', param: null, code: images.problem === 'Invalid image.' ? 'invalid_image' : 'invalid_image_format' } }, ids);
      return;
    }
    const prompt = (body.messages ?? []).map((message) => textOfContent(message.content)).join('\n');
    const inputTokens = promptTokens(prompt);
    const limit = this.options.contextTokens ?? 128_000;
    if (inputTokens > limit) {
      sendJson(response, 400, { error: { message: `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }, ids);
      return;
    }
    if (!body.stream) {
      // a non-streamed answer arrives when a streamed one would end: first-token delay plus the tokens at their rate
      const count = answerTokens(behaviour, model).length;
      const wait = (behaviour.firstTokenDelayMs ?? 0) + (behaviour.tokensPerSecond ? ((count - 1) * 1000) / behaviour.tokensPerSecond : 0);
      if (wait > 0) await sleep(wait);
      const text = answerTokens(behaviour, model).join('');
      sendJson(response, 200, { id: `chatcmpl-${requestId}`, object: 'chat.completion', created: now(), model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: usageOf(inputTokens, answerTokens(behaviour, model).length, behaviour) }, ids);
      return;
    }
    const conversation = conversationOf(body);
    const reasoning = body.reasoning_effort ? { tokens: reasoningTokensFor(body.reasoning_effort), text: this.options.streamsReasoning ? reasoningFragments(model, conversation) : [] } : null;
    await streamAnswer(response, { flavour, model, requestId, ids, behaviour, inputTokens, includeUsage: body.stream_options?.include_usage === true, plan: mentionImages(planAnswer(conversation, behaviour, model), images.count), reasoning });
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * One request's whole answer as a batch runs it (test/emulators/openaiBatch.ts): the same checks and the same planner
 * as a streamed answer, so the text, tool calls and usage are what streaming would have given; the status and the
 * body (a chat.completion, or the error in this flavour's shape).
 */
export function answerWhole(body: ChatBody, model: string, flavour: Flavour, apiVersion: string | null, behaviour: Behaviour, contextTokens = 128_000): { status: number; body: unknown } {
  const requestId = randomUUID();
  if (behaviour.error) return { status: behaviour.error.status, body: { error: { message: behaviour.error.message ?? 'Error.', type: 'invalid_request_error', param: null, code: behaviour.error.code ?? null } } };
  const refused = refusedFormat(body, flavour, apiVersion) ?? refusedSampling(body, model);
  if (refused) return { status: 400, body: { error: { message: refused, type: 'invalid_request_error', param: 'response_format', code: flavour === 'azure' ? 'BadRequest' : null } } };
  const images = openaiImages(body.messages);
  if (images.problem) return { status: 400, body: { error: { message: images.problem, type: 'invalid_request_error', param: null, code: 'invalid_image' } } };
  const inputTokens = promptTokens((body.messages ?? []).map((message) => textOfContent(message.content)).join('\n'));
  if (inputTokens > contextTokens) {
    return { status: 400, body: { error: { message: `This model's maximum context length is ${contextTokens} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } };
  }
  const conversation = conversationOf(body);
  const reasoningTokens = body.reasoning_effort ? reasoningTokensFor(body.reasoning_effort) : 0;
  const plan = mentionImages(planAnswer(conversation, behaviour, model), images.count);
  const tokens = plan.kind === 'tool-call' ? plan.argumentFragments : plan.tokens;
  const message = plan.kind === 'tool-call'
    ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${requestId.replace(/-/g, '').slice(0, 24)}`, type: 'function', function: { name: plan.name, arguments: tokens.join('') } }] }
    : { role: 'assistant', content: tokens.join(''), refusal: null };
  const finish = behaviour.contentFilter ? 'content_filter' : behaviour.finishLength ? 'length' : plan.kind === 'tool-call' ? 'tool_calls' : 'stop';
  return {
    status: 200,
    body: { id: `chatcmpl-${requestId.replace(/-/g, '').slice(0, 24)}`, object: 'chat.completion', created: now(), model, system_fingerprint: 'fp_emulator',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage: usageOf(inputTokens, tokens.length, behaviour, reasoningTokens) },
  };
}

/** OpenAI's usage: reasoning inside completion_tokens, and said in completion_tokens_details. */
function usageOf(inputTokens: number, outputTokens: number, behaviour: Behaviour, reasoningTokens = 0): Record<string, unknown> {
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens + reasoningTokens,
    total_tokens: inputTokens + outputTokens + reasoningTokens,
    prompt_tokens_details: { cached_tokens: behaviour.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function sendError(response: EmulatorResponse, flavour: Flavour, error: NonNullable<Behaviour['error']>, ids: Record<string, string>): void {
  const defaults: Record<number, { code: string; message: string; type: string }> = {
    400: { code: 'invalid_request_error', message: 'Invalid request.', type: 'invalid_request_error' },
    401: { code: 'invalid_api_key', message: 'Incorrect API key provided.', type: 'invalid_request_error' },
    403: { code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported', type: 'request_forbidden' },
    404: { code: 'model_not_found', message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error' },
    429: { code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 1s.', type: 'requests' },
    500: { code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' },
    503: { code: 'server_error', message: 'The engine is currently overloaded, please try again later.', type: 'server_error' },
  };
  const base = defaults[error.status] ?? { code: 'error', message: 'Error.', type: 'error' };
  const code = error.code ?? base.code;
  const message = error.message ?? base.message;
  const googleStatus: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
  const body = flavour === 'azure'
    ? { error: { code, message, ...(code === 'content_filter' ? { param: 'prompt', status: 400, innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } } } : {}) } }
    : flavour === 'vertex'
      // Vertex AI answers its OpenAI-compatible route with Google's error shape, in a list
      ? [{ error: { code: error.status, message: error.message ?? base.message, status: error.code ?? googleStatus[error.status] ?? 'UNKNOWN' } }]
      : { error: { message, type: base.type, param: null, code } };
  sendJson(response, error.status, body, { ...ids, ...error.headers });
}

interface StreamPlan {
  flavour: Flavour;
  model: string;
  requestId: string;
  ids: Record<string, string>;
  behaviour: Behaviour;
  inputTokens: number;
  includeUsage: boolean;
  plan: AnswerPlan;
  /** Reasoning asked for: the tokens it costs (inside completion_tokens) and the text a server streams, if any. */
  reasoning: { tokens: number; text: string[] } | null;
}

async function streamAnswer(response: EmulatorResponse, plan: StreamPlan): Promise<void> {
  const { flavour, model, behaviour } = plan;
  head(response, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...plan.ids });
  const id = `chatcmpl-${plan.requestId.replace(/-/g, '').slice(0, 24)}`;
  const created = now();
  const filterResults = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
  const chunk = (choices: unknown[], usage: unknown = null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_emulator', choices, ...(plan.includeUsage ? { usage } : {}) })}\n\n`;
  const delta = (content: Record<string, unknown>, finish: string | null = null): unknown => ({
    index: 0, delta: content, logprobs: null, finish_reason: finish, ...(flavour === 'azure' ? { content_filter_results: content.content ? filterResults : {} } : {}),
  });

  if (flavour === 'azure') {
    write(response, `data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: filterResults }] })}\n\n`);
  }
  write(response, chunk([delta({ role: 'assistant', content: '', refusal: null })]));
  const call = plan.plan.kind === 'tool-call' ? { id: `call_${plan.requestId.replace(/-/g, '').slice(0, 24)}`, name: plan.plan.name } : null;
  for (const text of plan.reasoning?.text ?? []) write(response, chunk([delta({ reasoning_content: text })]));
  const tokens = behaviour.reasoningOnly && plan.reasoning ? [] : plan.plan.kind === 'tool-call' ? plan.plan.argumentFragments : plan.plan.tokens;
  let sent = 0;
  const finished = await streamTokens(response, tokens, behaviour, {
    // a tool call's first fragment names it and carries its id; the rest carry only argument text
    token: (text) => (call
      ? chunk([delta({ tool_calls: [{ index: 0, ...(sent++ === 0 ? { id: call.id, type: 'function', function: { name: call.name, arguments: text } } : { function: { arguments: text } }) }] })])
      : chunk([delta({ content: text })])),
    streamError: () => `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } })}\n\n`,
    malformed: () => 'data: {"id":"chatcmpl-broken","choices":[{"delta":{"content":\n\n',
  });
  if (!finished) return;
  const finish = behaviour.contentFilter ? 'content_filter' : behaviour.finishLength || (behaviour.reasoningOnly && plan.reasoning) ? 'length' : call ? 'tool_calls' : 'stop';
  write(response, chunk([delta({}, finish)]));
  if (plan.includeUsage) write(response, chunk([], usageOf(plan.inputTokens, tokens.length, behaviour, plan.reasoning?.tokens ?? 0)));
  write(response, 'data: [DONE]\n\n');
  response.end();
}
