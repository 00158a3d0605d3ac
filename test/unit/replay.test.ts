/**
 * Real recorded responses (test/fixtures/recorded, see SOURCES.md) replayed on loopback through the official SDKs, the
 * adapters and the engine. What each result must hold is worked out here from the recorded chunks themselves — text
 * deltas and argument fragments concatenated, usage read off the usage chunk — so each test says "exactly as recorded",
 * not "as the adapter happens to compute it".
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout, type DeploymentResult } from '../../src/core/engine/fanout';
import type { ChatRequest, FinishReason, ResponseFormat } from '../../src/core/request/stream';
import { loadAdapter } from '../../src/providers/registry';
import { ReplayServer, loadRecording, type Recording } from '../emulators/replay';
import { testCredentials } from '../support/fixtures';

const RECORDED = join(__dirname, '../../../test/fixtures/recorded');

/** What the recording says the answer is. `id` is left out when the cloud sent none (Gemini): Fanout makes one. */
interface Expected {
  text: string;
  toolCalls: Array<{ id?: string; name: string; arguments: Record<string, unknown> }>;
  finishReason: FinishReason;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  /** Checked where the recording says: the reasoning text streamed (null when none) and the reasoning tokens counted. */
  reasoning?: string | null;
  reasoningTokens?: number | null;
}

/** Each cloud's own stop value → the one results show. */
const FINISH: Record<string, FinishReason> = {
  stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter',
  end_turn: 'stop', max_tokens: 'length', tool_use: 'tool_calls',
  STOP: 'stop', MAX_TOKENS: 'length',
  completed: 'stop', max_output_tokens: 'length',
};

const parsedArguments = (text: string): Record<string, unknown> => JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;

/** A finish with tool calls is `tool_calls` on every cloud, whatever the cloud said (Gemini says STOP). */
const finishOf = (raw: string | null, calls: number): FinishReason => (calls ? 'tool_calls' : raw ? FINISH[raw] ?? 'other' : 'other');

interface ChatChunk {
  choices?: Array<{ delta?: { content?: string | null; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> }; finish_reason?: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
}

/** OpenAI-wire chunks: content deltas joined; tool calls by `index`, the first id and name they carry, their fragments joined. */
function expectedFromChat(chunks: readonly unknown[]): Expected {
  let text = '';
  let raw: string | null = null;
  let usage: ChatChunk['usage'] = null;
  const calls = new Map<number, { id: string; name: string; text: string }>();
  for (const chunk of chunks as ChatChunk[]) {
    const choice = chunk.choices?.[0];
    text += choice?.delta?.content ?? '';
    for (const fragment of choice?.delta?.tool_calls ?? []) {
      const call = calls.get(fragment.index) ?? { id: '', name: '', text: '' };
      call.id ||= fragment.id ?? '';
      call.name ||= fragment.function?.name ?? '';
      call.text += fragment.function?.arguments ?? '';
      calls.set(fragment.index, call);
    }
    raw = choice?.finish_reason ?? raw;
    usage = chunk.usage ?? usage;
  }
  return {
    text,
    toolCalls: [...calls.values()].map((call) => ({ id: call.id, name: call.name, arguments: parsedArguments(call.text) })),
    finishReason: finishOf(raw, calls.size),
    inputTokens: usage?.prompt_tokens ?? null,
    // the billed output is what the total counts beyond the prompt: xAI leaves reasoning out of completion_tokens
    outputTokens: usage ? usage.total_tokens - usage.prompt_tokens : null,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens || null,
  };
}

interface BedrockChunk {
  contentBlockStart?: { contentBlockIndex: number; start?: { toolUse?: { toolUseId: string; name: string } } };
  contentBlockDelta?: { contentBlockIndex: number; delta: { text?: string; toolUse?: { input: string } } };
  messageStop?: { stopReason: string };
  metadata?: { usage: { inputTokens: number; outputTokens: number; totalTokens: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number } };
}

/** ConverseStream events: text deltas joined; a toolUse block's input fragments joined; usage with cache reads and writes in the input. */
function expectedFromBedrock(chunks: readonly unknown[]): Expected {
  let text = '';
  let raw: string | null = null;
  let usage: NonNullable<BedrockChunk['metadata']>['usage'] | null = null;
  const calls = new Map<number, { id: string; name: string; text: string }>();
  for (const event of chunks as BedrockChunk[]) {
    const started = event.contentBlockStart?.start?.toolUse;
    if (started) calls.set(event.contentBlockStart!.contentBlockIndex, { id: started.toolUseId, name: started.name, text: '' });
    const delta = event.contentBlockDelta;
    if (delta?.delta.text) text += delta.delta.text;
    if (delta?.delta.toolUse) calls.get(delta.contentBlockIndex)!.text += delta.delta.toolUse.input;
    raw = event.messageStop?.stopReason ?? raw;
    usage = event.metadata?.usage ?? usage;
  }
  const cached = usage?.cacheReadInputTokens ?? 0;
  return {
    text,
    toolCalls: [...calls.values()].map((call) => ({ id: call.id, name: call.name, arguments: parsedArguments(call.text) })),
    finishReason: finishOf(raw, calls.size),
    inputTokens: usage ? usage.inputTokens + cached + (usage.cacheWriteInputTokens ?? 0) : null,
    outputTokens: usage?.outputTokens ?? null,
    cachedInputTokens: cached || null,
  };
}

interface GeminiChunk {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean; functionCall?: { id?: string; name: string; args?: Record<string, unknown> } }> }; finishReason?: string }>;
  usageMetadata?: { promptTokenCount?: number; totalTokenCount?: number; cachedContentTokenCount?: number };
}

/** Gemini chunks: text parts that are not thoughts joined; each functionCall whole; usage from the finishing chunk. */
function expectedFromGemini(chunks: readonly unknown[]): Expected {
  let text = '';
  let raw: string | null = null;
  let usage: GeminiChunk['usageMetadata'] | null = null;
  const toolCalls: Expected['toolCalls'] = [];
  for (const chunk of chunks as GeminiChunk[]) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.text && !part.thought) text += part.text;
      if (part.functionCall) toolCalls.push({ ...(part.functionCall.id ? { id: part.functionCall.id } : {}), name: part.functionCall.name, arguments: part.functionCall.args ?? {} });
    }
    if (candidate?.finishReason) {
      raw = candidate.finishReason;
      usage = chunk.usageMetadata ?? usage;
    }
  }
  return {
    text,
    toolCalls,
    finishReason: finishOf(raw, toolCalls.length),
    inputTokens: usage?.promptTokenCount ?? null,
    // thinking tokens are billed as output and sit outside candidatesTokenCount: the total holds them
    outputTokens: usage ? (usage.totalTokenCount ?? 0) - (usage.promptTokenCount ?? 0) : null,
    cachedInputTokens: usage?.cachedContentTokenCount || null,
  };
}

interface ResponsesChunk {
  type: string;
  output_index?: number;
  summary_index?: number;
  delta?: string;
  item?: { type: string; call_id?: string; name?: string; arguments?: string };
  response?: {
    status?: string;
    incomplete_details?: { reason?: string } | null;
    usage?: { input_tokens: number; output_tokens: number; input_tokens_details?: { cached_tokens?: number }; output_tokens_details?: { reasoning_tokens?: number } } | null;
  };
}

/**
 * Responses API events: output_text deltas joined; reasoning summary deltas joined, a blank line between the parts of a
 * summary; function_call items by output index with their call_id, name and argument deltas (the item's whole
 * arguments when none streamed); status and usage from response.completed / response.incomplete.
 */
function expectedFromResponses(chunks: readonly unknown[]): Expected {
  let text = '';
  let reasoning = '';
  let end: ResponsesChunk['response'] | null = null;
  const calls = new Map<number, { id: string; name: string; text: string }>();
  for (const event of chunks as ResponsesChunk[]) {
    if (event.type === 'response.output_text.delta') text += event.delta ?? '';
    if (event.type === 'response.reasoning_summary_part.added' && (event.summary_index ?? 0) > 0) reasoning += '\n\n';
    if (event.type === 'response.reasoning_summary_text.delta') reasoning += event.delta ?? '';
    if (event.type === 'response.output_item.added' && event.item?.type === 'function_call') calls.set(event.output_index!, { id: event.item.call_id!, name: event.item.name!, text: '' });
    if (event.type === 'response.function_call_arguments.delta') calls.get(event.output_index!)!.text += event.delta ?? '';
    if (event.type === 'response.output_item.done' && event.item?.type === 'function_call') calls.get(event.output_index!)!.text ||= event.item.arguments ?? '';
    if (event.type === 'response.completed' || event.type === 'response.incomplete') end = event.response ?? null;
  }
  const usage = end?.usage ?? null;
  return {
    text,
    toolCalls: [...calls.values()].map((call) => ({ id: call.id, name: call.name, arguments: parsedArguments(call.text) })),
    finishReason: finishOf(end?.status === 'incomplete' ? end.incomplete_details?.reason ?? null : end?.status ?? null, calls.size),
    inputTokens: usage?.input_tokens ?? null,
    outputTokens: usage?.output_tokens ?? null,
    cachedInputTokens: usage?.input_tokens_details?.cached_tokens || null,
    reasoning: reasoning || null,
    reasoningTokens: usage?.output_tokens_details?.reasoning_tokens ?? null,
  };
}

/** `openai-responses` and `azure-responses`: those clouds with `api: "responses"`. */
type Kind = 'openai' | 'azure-openai' | 'openai-compatible' | 'bedrock' | 'gemini' | 'vertex' | 'openai-responses' | 'azure-responses';

interface Case {
  /** Path under test/fixtures/recorded, without `.chunks.txt`. */
  file: string;
  kind: Kind;
  http1?: boolean;
  responseFormat?: ResponseFormat;
  /** A few values read off the recording by eye, so a slip in the helpers above cannot make both sides agree on nothing. */
  anchor: { text?: string; tools?: string[]; inputTokens?: number | null };
}

const EXPECTED_FROM: Record<Kind, (chunks: readonly unknown[]) => Expected> = {
  openai: expectedFromChat,
  'azure-openai': expectedFromChat,
  'openai-compatible': expectedFromChat,
  bedrock: expectedFromBedrock,
  gemini: expectedFromGemini,
  vertex: expectedFromGemini,
  'openai-responses': expectedFromResponses,
  'azure-responses': expectedFromResponses,
};

/** The schema the Cerebras run asked for (its answer is `{"result": "2026"}`). */
const RESULT_SCHEMA: ResponseFormat = {
  name: 'answer',
  schema: { type: 'object', properties: { result: { type: 'string' } }, required: ['result'], additionalProperties: false },
  strict: true,
};

const CASES: Case[] = [
  { file: 'openai/gpt-4.1-nano-text', kind: 'openai', anchor: { text: '**Holiday Name:** Harmony Day', tools: [], inputTokens: 16 } },
  { file: 'azure/model-router-text', kind: 'azure-openai', anchor: { text: 'Capital of Denmark.', tools: [], inputTokens: 15 } },
  { file: 'openai-compatible/deepseek-tool-call', kind: 'openai-compatible', anchor: { text: '', tools: ['weather'], inputTokens: 339 } },
  { file: 'openai-compatible/qwen-tool-call', kind: 'openai-compatible', anchor: { text: '', tools: ['weather'], inputTokens: 295 } },
  { file: 'openai-compatible/groq-tool-call', kind: 'openai-compatible', anchor: { text: '', tools: ['weather'], inputTokens: 210 } },
  {
    file: 'openai-compatible/xai-tool-call', kind: 'openai-compatible', anchor: { text: '', tools: ['weather'], inputTokens: 291 },
    // src/providers/openai/usage.ts takes outputTokens = completion_tokens (26); xAI counts its 196 reasoning tokens
    // outside completion_tokens (total 513 = 291 + 26 + 196) and bills them as output: the recording's own
    // cost_in_usd_ticks (1,330,500 = $0.00013305) is 1 uncached + 290 cached input and 222 output tokens at grok-3-mini's list
    // prices ($0.30, $0.075, $0.50 per million). Fanout reports 26 output tokens. Unskip when usage.ts counts what the total holds beyond the prompt.
  },
  { file: 'openai-compatible/anthropic-tool-call', kind: 'openai-compatible', anchor: { text: 'Reading it.', tools: ['read_file'], inputTokens: null } },
  { file: 'openai-compatible/cerebras-json-step1-tool-call', kind: 'openai-compatible', responseFormat: RESULT_SCHEMA, anchor: { text: '', tools: ['nonUsefulTool'], inputTokens: 322 } },
  { file: 'openai-compatible/cerebras-json-step2-answer', kind: 'openai-compatible', responseFormat: RESULT_SCHEMA, anchor: { text: '{"result": "2026"}', tools: ['nonUsefulTool'], inputTokens: 433 } },
  { file: 'bedrock/claude-tool-use', kind: 'bedrock', anchor: { text: '', tools: ['get-weather'], inputTokens: 843 } },
  { file: 'bedrock/claude-tool-use', kind: 'bedrock', http1: true, anchor: { text: '', tools: ['get-weather'], inputTokens: 843 } },
  { file: 'bedrock/claude-text', kind: 'bedrock', anchor: { text: 'Let me count the "r"s in "strawberry"', tools: [], inputTokens: 22 } },
  { file: 'bedrock/claude-reasoning', kind: 'bedrock', anchor: { text: 'There are **3** r\'s in "strawberry"', tools: [], inputTokens: 51 } },
  { file: 'bedrock/claude-reasoning', kind: 'bedrock', http1: true, anchor: { text: 'There are **3** r\'s', tools: [], inputTokens: 51 } },
  { file: 'gemini/function-call', kind: 'gemini', anchor: { text: '', tools: ['weather'], inputTokens: 29 } },
  { file: 'gemini/function-call', kind: 'vertex', anchor: { text: '', tools: ['weather'], inputTokens: 29 } },
  { file: 'gemini/function-call-thinking', kind: 'gemini', anchor: { text: '', tools: ['weather'], inputTokens: 29 } },
  { file: 'gemini/text', kind: 'gemini', anchor: { text: 'There are **3** "r"s in strawberry.', tools: [], inputTokens: 9 } },
  { file: 'gemini/text-thinking', kind: 'vertex', anchor: { text: 'There are **3** "r"s in strawberry.', tools: [], inputTokens: 9 } },
  { file: 'openai-responses/gpt-5.2-text', kind: 'openai-responses', anchor: { text: '`arm64` (Apple Silicon).', tools: [], inputTokens: 444 } },
  { file: 'openai-responses/gpt-5.3-codex-commentary-and-answer', kind: 'openai-responses', anchor: { text: 'Got itHere are a few **AI', tools: [], inputTokens: 7112 } },
  { file: 'openai-responses/copilot-gpt-5.3-codex-reasoning-summary', kind: 'openai-responses', anchor: { text: 'There are **3** letter', tools: [], inputTokens: 19 } },
  { file: 'openai-responses/gpt-5.1-codex-max-reasoning-tool-call', kind: 'openai-responses', anchor: { text: '', tools: ['calculator'], inputTokens: 134 } },
  { file: 'openai-responses/gpt-5.1-codex-max-answer', kind: 'openai-responses', anchor: { text: 'The final result is **570**.', tools: [], inputTokens: 299 } },
  { file: 'openai-responses/gpt-5.4-tool-call', kind: 'openai-responses', anchor: { text: '', tools: ['get_weather'], inputTokens: 467 } },
  { file: 'openai-responses/gpt-5.4-tool-call', kind: 'azure-responses', anchor: { text: '', tools: ['get_weather'], inputTokens: 467 } },
  { file: 'openai-responses/copilot-gpt-5.3-codex-reasoning-summary', kind: 'azure-responses', anchor: { text: 'There are **3** letter', tools: [], inputTokens: 19 } },
];

describe('replayed recordings: each cloud\'s real responses through the official SDKs, the adapters and the engine', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await new ReplayServer().start();
  });
  after(() => replay.stop());
  beforeEach(() => {
    replay.server.requests.length = 0;
  });

  /** The file's name is the model (or Azure deployment) the deployment names, so the server knows what to answer. */
  const deploymentFor = (kind: Kind, model: string): Deployment => {
    const id = `replay-${kind}`;
    switch (kind) {
      case 'openai': return { id, provider: 'openai', model, baseUrl: `${replay.url}/v1` };
      case 'openai-compatible': return { id, provider: 'openai-compatible', model, baseUrl: `${replay.url}/v1` };
      case 'azure-openai': return { id, provider: 'azure-openai', model: 'gpt-5-nano', deployment: model, endpoint: replay.url };
      case 'bedrock': return { id, provider: 'bedrock', model, region: 'us-east-1', endpoint: replay.url };
      case 'gemini': return { id, provider: 'gemini', model, baseUrl: replay.url };
      case 'vertex': return { id, provider: 'vertex', model, project: 'fanout-test-1', location: 'us-central1', endpoint: replay.url };
      case 'openai-responses': return { id, provider: 'openai', model, baseUrl: `${replay.url}/v1`, api: 'responses' };
      case 'azure-responses': return { id, provider: 'azure-openai', model: 'gpt-5', deployment: model, endpoint: replay.url, api: 'responses' };
    }
  };

  /** The request names the recorded calls' tools, so each adapter sends them as it would for real. */
  const requestFor = (expected: Expected, responseFormat?: ResponseFormat): ChatRequest => {
    const names = [...new Set(expected.toolCalls.map((call) => call.name))];
    return {
      messages: [{ role: 'user', content: 'Replay the recorded answer.' }],
      params: { maxTokens: 1024 },
      ...(names.length ? { tools: names.map((name) => ({ name, description: `the recorded ${name}`, parameters: { type: 'object', properties: {} } })) } : {}),
      ...(responseFormat ? { responseFormat } : {}),
    };
  };

  const replayed = async (testCase: Case): Promise<{ result: DeploymentResult; expected: Expected; recording: Recording }> => {
    const recording = loadRecording(join(RECORDED, `${testCase.file}.chunks.txt`));
    const model = testCase.file.split('/').pop()!;
    replay.serve(model, recording);
    const expected = EXPECTED_FROM[testCase.kind](recording.chunks);
    const [result] = await runFanout(requestFor(expected, testCase.responseFormat), [deploymentFor(testCase.kind, model)], {
      loadAdapter,
      credentials: testCredentials(),
      retry: { maxRetries: 0 },
      ...(testCase.http1 ? { transport: { http1: true } } : {}),
    });
    return { result: result!, expected, recording };
  };

  const assertAsRecorded = (result: DeploymentResult, expected: Expected): void => {
    assert.equal(result.status, 'ok', result.error?.message);
    assert.equal(result.text, expected.text);
    assert.equal(result.finishReason, expected.finishReason);
    assert.deepEqual(result.toolCalls.map(({ id, ...call }) => call), expected.toolCalls.map(({ id, ...call }) => call), 'tool call names and parsed arguments');
    result.toolCalls.forEach((call, index) => {
      const recordedId = expected.toolCalls[index]?.id;
      if (recordedId !== undefined) assert.equal(call.id, recordedId, 'the recorded tool call id');
      else assert.ok(call.id, 'a tool call the cloud sent without an id gets one');
    });
    assert.equal(new Set(result.toolCalls.map((call) => call.id)).size, result.toolCalls.length, 'tool call ids are distinct');
    assert.deepEqual(
      { inputTokens: result.metrics.inputTokens, outputTokens: result.metrics.outputTokens, cachedInputTokens: result.cachedInputTokens },
      { inputTokens: expected.inputTokens, outputTokens: expected.outputTokens, cachedInputTokens: expected.cachedInputTokens },
      'usage',
    );
    if (expected.reasoning !== undefined) assert.equal(result.reasoning, expected.reasoning, 'the reasoning text');
    if (expected.reasoningTokens !== undefined) assert.equal(result.metrics.reasoningTokens, expected.reasoningTokens, 'reasoning tokens');
    assert.equal(replay.server.requests.length, 1, 'one request, no retry');
  };

  for (const testCase of CASES) {
    const over = testCase.kind === 'bedrock' ? (testCase.http1 ? ' (HTTP/1.1)' : ' (HTTP/2)') : '';
    it(`${testCase.file} as ${testCase.kind}${over}: text, tool calls, finish and usage as recorded`, async () => {
      const { result, expected, recording } = await replayed(testCase);
      assert.ok(expected.text.startsWith(testCase.anchor.text ?? ''), `the recording's text begins ${JSON.stringify(testCase.anchor.text)}`);
      if (testCase.anchor.text === '') assert.equal(expected.text, '');
      assert.deepEqual(expected.toolCalls.map((call) => call.name), testCase.anchor.tools);
      assert.equal(expected.inputTokens, testCase.anchor.inputTokens);
      assertAsRecorded(result, expected);
      if (testCase.kind === 'bedrock') assert.equal(replay.server.requests[0]?.httpVersion, testCase.http1 ? '1.1' : '2.0');
      assert.ok(recording.chunks.length > 0);
      if (testCase.responseFormat) {
        const answered = expected.text.trim() !== '';
        assert.deepEqual(result.json, answered ? JSON.parse(expected.text) : null, 'the JSON answer, parsed');
        assert.equal(result.schemaValid, answered, 'the recorded answer follows the schema; a turn that only calls a tool has no answer');
      }
    });
  }

  it('Responses recordings, read by eye: reasoning summaries, reasoning and cached tokens, the Azure v1 path', async () => {
    const copilot = await replayed({ file: 'openai-responses/copilot-gpt-5.3-codex-reasoning-summary', kind: 'openai-responses', anchor: {} });
    assert.equal(copilot.result.reasoning, '**Counting character occurrences**');
    assert.deepEqual([copilot.result.metrics.outputTokens, copilot.result.metrics.reasoningTokens], [105, 44]);
    const codex = await replayed({ file: 'openai-responses/gpt-5.1-codex-max-reasoning-tool-call', kind: 'openai-responses', anchor: {} });
    assert.match(codex.result.reasoning ?? '', /^\*\*Calculating step-by-step using calculator\*\*\n\nI'll compute 12 plus 7/);
    assert.deepEqual(codex.result.toolCalls, [{ id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', name: 'calculator', arguments: { a: 12, b: 7, op: 'add' } }]);
    const phase = await replayed({ file: 'openai-responses/gpt-5.3-codex-commentary-and-answer', kind: 'openai-responses', anchor: {} });
    assert.deepEqual([phase.result.metrics.inputTokens, phase.result.cachedInputTokens, phase.result.metrics.outputTokens, phase.result.metrics.reasoningTokens], [7112, 3072, 463, 64]);
    assert.equal(phase.result.finishReason, 'stop');
    replay.server.requests.length = 0;
    await replayed({ file: 'openai-responses/gpt-5.2-text', kind: 'azure-responses', anchor: {} });
    assert.equal(replay.server.requests[0]?.path, '/openai/v1/responses');
  });

  it('a recorded Responses failure (an `error` event, then response.failed) is the quota error it says', async () => {
    const recording = loadRecording(join(RECORDED, 'openai-responses/gpt-5-nano-error.chunks.txt'));
    replay.serve('gpt-5-nano-error', recording);
    const [result] = await runFanout({ messages: [{ role: 'user', content: 'Replay the recorded answer.' }], params: {} }, [deploymentFor('openai-responses', 'gpt-5-nano-error')], {
      loadAdapter, credentials: testCredentials(), retry: { maxRetries: 0 },
    });
    assert.equal(result!.status, 'error');
    assert.equal(result!.error?.kind, 'quota');
    assert.equal(result!.error?.retryable, false);
    assert.match(result!.error?.message ?? '', /You exceeded your current quota/);
  });
});
