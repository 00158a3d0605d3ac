/**
 * OpenAI's Responses API (`POST /v1/responses`) and Azure's v1 flavour of it (`POST /openai/v1/responses`, the
 * deployment name as `model`, no api-version), as `event: TYPE\ndata: {...}\n\n` pairs with no [DONE]:
 * response.created, response.in_progress, then each output item — a reasoning item with its summary events when the
 * request asks for reasoning, a message (output_item.added, content_part.added, output_text.delta ×N,
 * output_text.done, content_part.done, output_item.done) or a function_call (output_item.added with call_id and name,
 * function_call_arguments.delta ×N, function_call_arguments.done, output_item.done) — and response.completed with the
 * usage, or response.incomplete (max_output_tokens, content_filter). An in-stream fault is an `error` event followed by
 * response.failed, as the service sends it.
 *
 * The OpenAI emulator (openai.ts) checks the credential, takes the behaviour and sends HTTP errors, then hands the
 * request here. Model rule: a model (or Azure deployment) whose name ends in `-ends-early` closes the stream cleanly
 * after its output items, with no response.completed (on Azure, "prod-gpt4o-ends-early" runs prod-gpt4o's model).
 */
import { randomUUID } from 'node:crypto';
import { promptTokens, type Behaviour } from './behaviour';
import { instructedSchema, planAnswer, type ConversationRequest } from './conversation';
import { head, sendJson, streamTokens, write, type EmulatorResponse } from './server';

type InputContent = string | Array<{ type: string; text?: string; image_url?: string }>;

export interface ResponsesBody {
  model?: string;
  input?: string | Array<{ type?: string; role?: string; content?: InputContent; call_id?: string; name?: string; arguments?: string; output?: string }>;
  instructions?: string;
  stream?: boolean;
  tools?: Array<{ type: string; name: string; parameters?: Record<string, unknown>; strict?: boolean | null }>;
  tool_choice?: string | { type: string; name?: string };
  text?: { format?: { type: 'text' | 'json_object' | 'json_schema'; name?: string; schema?: Record<string, unknown>; strict?: boolean | null } };
  reasoning?: { effort?: string; summary?: string | null } | null;
  max_output_tokens?: number;
  temperature?: number;
}

export interface ResponsesContext {
  flavour: 'openai' | 'azure' | 'vertex';
  requestId: string;
  ids: Record<string, string>;
  behaviour: Behaviour;
  /** Azure: deployment name → the model it runs (v1 names the deployment in `model`). */
  azureDeployments?: Record<string, string>;
  contextTokens?: number;
}

/** Reasoning tokens spent at each effort (reported in usage; the summary streamed is shorter). */
const REASONING_TOKENS: Record<string, number> = { minimal: 8, low: 24, medium: 64, high: 192 };

const textOf = (content: InputContent | undefined): string => (typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join(''));

function itemsOf(body: ResponsesBody): Exclude<ResponsesBody['input'], string | undefined> {
  return typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input ?? [];
}

/** The conversation as the emulated model sees it. */
export function conversationOfResponses(body: ResponsesBody): ConversationRequest {
  const items = itemsOf(body);
  const last = items.at(-1);
  const calledNames = new Map(items.filter((item) => item.type === 'function_call').map((item) => [item.call_id ?? '', item.name ?? 'tool'] as const));
  const instructed = instructedSchema(body.instructions ?? '');
  const format = body.text?.format;
  const choice = body.tool_choice;
  return {
    tools: (body.tools ?? []).filter((tool) => tool.type === 'function').map((tool) => ({ name: tool.name, parameters: tool.parameters })),
    toolChoice: typeof choice === 'object' ? choice.name ?? 'auto' : choice === 'required' ? 'any' : choice ?? 'auto',
    toolResult: last?.type === 'function_call_output' ? { name: calledNames.get(last.call_id ?? '') ?? 'tool', text: last.output ?? '' } : null,
    schema: format?.type === 'json_schema' ? format.schema ?? null : instructed.schema,
    json: format?.type === 'json_object' || format?.type === 'json_schema' || instructed.json,
  };
}

/** What the service refuses about a strict schema, as it words it; null when it takes it. */
function strictProblem(schema: Record<string, unknown>, context: string): string | null {
  if (schema.type === 'object' || schema.properties) {
    if (schema.additionalProperties !== false) return `In context=(${context}), 'additionalProperties' is required to be supplied and to be false`;
    const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const missing = properties.find((name) => !required.has(name));
    if (missing) return `In context=(${context}), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'`;
    for (const [name, child] of Object.entries((schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
      const inner = strictProblem(child, `${context ? `${context}, ` : ''}'properties', '${name}'`);
      if (inner) return inner;
    }
  }
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items) return strictProblem(schema.items as Record<string, unknown>, `${context ? `${context}, ` : ''}'items'`);
  return null;
}

/** A 400 the service would answer before streaming, or null. Function tools are strict unless `strict: false`. */
function refusal(body: ResponsesBody, flavour: ResponsesContext['flavour']): { param: string; message: string } | null {
  for (const tool of body.tools ?? []) {
    if (tool.type !== 'function' || tool.strict === false) continue;
    const problem = strictProblem(tool.parameters ?? { type: 'object', properties: {} }, '');
    if (problem) return { param: 'tools', message: `Invalid schema for function '${tool.name}': ${problem}.` };
  }
  const format = body.text?.format;
  if (format?.type === 'json_schema') {
    if (flavour === 'azure' && format.strict !== true) return { param: 'text.format.schema', message: `Invalid schema for response_format '${format.name}': only strict schemas are supported (set "strict": true)` };
    const problem = format.strict === true ? strictProblem(format.schema ?? {}, '') : null;
    if (problem) return { param: 'text.format.schema', message: `Invalid schema for response_format '${format.name}': ${problem}.` };
  }
  if (format?.type === 'json_object') {
    const said = [body.instructions ?? '', ...itemsOf(body).map((item) => textOf(item.content))].some((text) => /json/i.test(text));
    if (!said) return { param: 'input', message: "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'." };
  }
  if (body.reasoning && body.temperature !== undefined) return { param: 'temperature', message: "Unsupported parameter: 'temperature' is not supported with this model." };
  return null;
}

const now = (): number => Math.floor(Date.now() / 1000);
const idPart = (): string => randomUUID().replace(/-/g, '');

/** Answers one Responses API request (credential and HTTP-error behaviour already handled by the caller). */
export async function serveResponses(response: EmulatorResponse, body: ResponsesBody, context: ResponsesContext): Promise<void> {
  const { flavour, ids, behaviour } = context;
  const requested = body.model ?? '';
  let model = requested;
  if (flavour === 'azure') {
    const deployed = context.azureDeployments?.[requested.replace(/-ends-early$/, '')];
    if (!deployed) {
      sendJson(response, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }, ids);
      return;
    }
    model = deployed;
  }
  const refused = refusal(body, flavour);
  if (refused) {
    sendJson(response, 400, flavour === 'azure'
      ? { error: { code: 'invalid_request_error', message: refused.message, param: refused.param, type: 'invalid_request_error' } }
      : { error: { message: refused.message, type: 'invalid_request_error', param: refused.param, code: 'invalid_value' } }, ids);
    return;
  }
  const prompt = [body.instructions ?? '', ...itemsOf(body).map((item) => `${textOf(item.content)}${item.arguments ?? ''}${item.output ?? ''}`)].join('\n');
  const inputTokens = promptTokens(prompt);
  const limit = context.contextTokens ?? 128_000;
  if (inputTokens > limit) {
    sendJson(response, 400, { error: { message: `Your input exceeds the context window of this model. Please adjust your input and try again.`, type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } }, ids);
    return;
  }

  head(response, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...ids });
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
  const responseId = `resp_${idPart()}`;
  const createdAt = now();
  const shell = (status: string, output: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: responseId, object: 'response', created_at: createdAt, status, background: false, error: null, incomplete_details: null,
    instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null, model: requested, output, parallel_tool_calls: true,
    previous_response_id: null, reasoning: body.reasoning ? { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null } : { effort: null, summary: null },
    store: false, temperature: body.temperature ?? 1, text: { format: body.text?.format ?? { type: 'text' } }, tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [], top_p: 1, truncation: 'disabled', usage: null, user: null, metadata: {}, ...extra,
  });
  write(response, send('response.created', { response: shell('in_progress', []) }));
  write(response, send('response.in_progress', { response: shell('in_progress', []) }));

  const output: unknown[] = [];
  // reasoning first, when asked for: a reasoning item, with summary events only when a summary was asked for
  const effort = body.reasoning?.effort ?? null;
  const reasoningTokens = effort ? REASONING_TOKENS[effort] ?? 64 : 0;
  if (effort) {
    const item = { id: `rs_${idPart()}`, type: 'reasoning', summary: [] as unknown[] };
    const index = output.length;
    write(response, send('response.output_item.added', { output_index: index, item }));
    const paragraphs = body.reasoning?.summary ? [`**Reading the request**\n\nThe user asks for an answer at ${effort} effort.`, '**Answering**\n\nI will answer briefly.'] : [];
    for (const [summaryIndex, text] of paragraphs.entries()) {
      const base = { item_id: item.id, output_index: index, summary_index: summaryIndex };
      write(response, send('response.reasoning_summary_part.added', { ...base, part: { type: 'summary_text', text: '' } }));
      for (const piece of text.split(/(?= )/)) write(response, send('response.reasoning_summary_text.delta', { ...base, delta: piece }));
      write(response, send('response.reasoning_summary_text.done', { ...base, text }));
      write(response, send('response.reasoning_summary_part.done', { ...base, part: { type: 'summary_text', text } }));
      item.summary.push({ type: 'summary_text', text });
    }
    write(response, send('response.output_item.done', { output_index: index, item }));
    output.push(item);
  }

  const plan = planAnswer(conversationOfResponses(body), behaviour, model);
  const index = output.length;
  let tokens: string[];
  let streamed = '';
  let item: Record<string, unknown>;
  if (plan.kind === 'tool-call') {
    tokens = plan.argumentFragments;
    item = { id: `fc_${idPart()}`, type: 'function_call', status: 'in_progress', arguments: '', call_id: `call_${idPart().slice(0, 24)}`, name: plan.name };
    write(response, send('response.output_item.added', { output_index: index, item }));
  } else {
    tokens = plan.tokens;
    item = { id: `msg_${idPart()}`, type: 'message', status: 'in_progress', content: [], role: 'assistant' };
    write(response, send('response.output_item.added', { output_index: index, item }));
    write(response, send('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } }));
  }
  const finished = await streamTokens(response, tokens, behaviour, {
    token: (text) => {
      streamed += text;
      return plan.kind === 'tool-call'
        ? send('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: text })
        : send('response.output_text.delta', { item_id: item.id, output_index: index, content_index: 0, delta: text, logprobs: [] });
    },
    streamError: () => send('error', { code: 'server_error', message: 'The server had an error processing your request. Sorry about that! You can retry your request.', param: null })
      + send('response.failed', { response: shell('failed', output, { error: { code: 'server_error', message: 'The server had an error processing your request. Sorry about that! You can retry your request.' } }) }),
    malformed: () => 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n',
  });
  if (!finished) return;

  if (plan.kind === 'tool-call') {
    write(response, send('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: streamed }));
    item = { ...item, status: 'completed', arguments: streamed };
  } else {
    const part = { type: 'output_text', annotations: [], logprobs: [], text: streamed };
    write(response, send('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text: streamed, logprobs: [] }));
    write(response, send('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part }));
    item = { ...item, status: behaviour.finishLength || behaviour.contentFilter ? 'incomplete' : 'completed', content: [part] };
  }
  write(response, send('response.output_item.done', { output_index: index, item }));
  output.push(item);
  if (/-ends-early$/.test(requested)) {
    response.end();
    return;
  }
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: behaviour.cachedInputTokens ?? 0 },
    output_tokens: tokens.length + reasoningTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + tokens.length + reasoningTokens,
  };
  const incomplete = behaviour.contentFilter ? 'content_filter' : behaviour.finishLength ? 'max_output_tokens' : null;
  write(response, incomplete
    ? send('response.incomplete', { response: shell('incomplete', output, { incomplete_details: { reason: incomplete }, usage }) })
    : send('response.completed', { response: shell('completed', output, { usage }) }));
  response.end();
}
