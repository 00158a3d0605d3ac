/** OpenAI and OpenAI-compatible servers, through the official `openai` SDK against the loopback emulator. */
import * as assert from 'node:assert/strict';
import { OpenAIEmulator } from '../emulators/openai';
import { PROMPT, closedPort, collect, deploymentsFor, errorOf, startEmulators, type Emulators } from '../support/fixtures';

describe('provider: openai (official SDK over SSE)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());
  const openai = () => deploymentsFor(emulators).openai;

  it('streams text, usage, finish reason, model and request id', async () => {
    emulators.openai.behaviour.next({ tokens: 5, cachedInputTokens: 2 });
    const result = await collect(openai());
    assert.equal(result.errors.length, 0);
    assert.equal(result.text, '[gpt-4o-mini] Fanout streams one prompt');
    const usage = result.parts.find((part) => part.type === 'usage');
    assert.deepEqual(usage, { type: 'usage', usage: { inputTokens: 9, outputTokens: 5, cachedInputTokens: 2 } });
    const finish = result.parts.at(-1);
    assert.equal(finish?.type, 'finish');
    if (finish?.type !== 'finish') return;
    assert.equal(finish.reason, 'stop');
    assert.equal(finish.model, 'gpt-4o-mini');
    assert.match(finish.requestId ?? '', /^req_[0-9a-f]{32}$/);
    assert.equal(finish.requestId, emulators.openai.server.requests[0] && result.parts[0]?.type === 'response-metadata' ? result.parts[0].requestId : null);
  });

  it('sends the request the API expects: Bearer key, system message, stream_options, max_completion_tokens', async () => {
    await collect(openai());
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.headers.authorization, 'Bearer test-openai-key-0001');
    const body = JSON.parse(request!.body);
    assert.deepEqual(body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello to every cloud.' }]);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.max_completion_tokens, 64);
    assert.equal(body.temperature, 0.2);
  });

  it('an OpenAI-compatible server takes no key and gets max_tokens', async () => {
    const local = await new OpenAIEmulator().start(); // like Ollama: no key checked
    try {
      const result = await collect({ ...deploymentsFor(emulators).compatible, baseUrl: `${local.url}/v1` });
      assert.equal(result.errors.length, 0);
      assert.match(result.text, /^\[llama3.2\]/);
      const body = JSON.parse(local.server.requests[0]!.body);
      assert.equal(body.max_tokens, 64);
      assert.equal(body.max_completion_tokens, undefined);
    } finally {
      await local.stop();
    }
  });

  it('finish_reason length is reported as length', async () => {
    emulators.openai.behaviour.next({ finishLength: true, tokens: 3 });
    const result = await collect(openai());
    assert.deepEqual(result.parts.at(-1), { type: 'finish', reason: 'length', rawReason: 'length', model: 'gpt-4o-mini', requestId: (result.parts[0] as { requestId: string }).requestId });
  });

  const cases: Array<[string, Parameters<Emulators['openai']['behaviour']['next']>[0], string, boolean, RegExp]> = [
    ['401 → auth', { error: { status: 401 } }, 'auth', false, /rejected the credential \(401\)/],
    ['403 → permission', { error: { status: 403 } }, 'permission', false, /refused access \(403\)/],
    ['404 → not_found', { error: { status: 404 } }, 'not_found', false, /no such model/],
    ['429 → rate_limit, retryable', { error: { status: 429, headers: { 'retry-after': '2' } } }, 'rate_limit', true, /asked to wait 2 s/],
    ['429 with retry-after 0 → "at once", never "wait 0 s"', { error: { status: 429, headers: { 'retry-after': '0' } } }, 'rate_limit', true, /is rate limiting \(429\)\. It said a retry may go at once\./],
    ['429 with retry-after-ms 300 → "at once"', { error: { status: 429, headers: { 'retry-after-ms': '300' } } }, 'rate_limit', true, /It said a retry may go at once\./],
    ['429 insufficient_quota → quota', { error: { status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' } }, 'quota', false, /quota or billing/],
    ['500 → server, retryable', { error: { status: 500 } }, 'server', true, /server error \(500\)/],
    ['400 context_length_exceeded → context_length', { error: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." } }, 'context_length', false, /too long for this model/],
    ['400 other → bad_request', { error: { status: 400, code: 'invalid_value', message: 'temperature is out of range' } }, 'bad_request', false, /temperature is out of range/],
  ];
  for (const [name, behaviour, kind, retryable, message] of cases) {
    it(`maps ${name}`, async () => {
      emulators.openai.behaviour.next(behaviour);
      const error = errorOf(await collect(openai()));
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
      assert.match(error.message, message);
      assert.match(error.requestId ?? '', /^req_/);
      if (kind === 'rate_limit') assert.equal(error.retryAfterMs, Number(behaviour.error?.headers?.['retry-after-ms'] ?? Number(behaviour.error?.headers?.['retry-after']) * 1000));
    });
  }

  it('a wrong key is rejected without echoing any part of it', async () => {
    const error = errorOf(await collect(openai(), { credential: { type: 'api-key', key: 'wrong-key-abcdefgh1234', source: 'test' } }));
    assert.equal(error.kind, 'auth');
    assert.doesNotMatch(error.message, /1234|wrong-key/);
  });

  it('an error inside the stream after text is a server error, with the text kept', async () => {
    emulators.openai.behaviour.next({ tokens: 6, streamErrorAfterTokens: 2, tokensPerSecond: 200 });
    const result = await collect(openai());
    assert.equal(result.text, '[gpt-4o-mini] Fanout');
    assert.equal(errorOf(result).kind, 'server');
  });

  it('a connection dropped mid-stream is a network error', async () => {
    emulators.openai.behaviour.next({ tokens: 6, dropAfterTokens: 3, tokensPerSecond: 200 });
    const result = await collect(openai());
    assert.equal(result.text, '[gpt-4o-mini] Fanout streams');
    const error = errorOf(result);
    assert.equal(error.kind, 'network');
  });

  it('a malformed SSE event is an error, not a crash', async () => {
    emulators.openai.behaviour.next({ tokens: 6, malformedAfterTokens: 2, tokensPerSecond: 200 });
    const result = await collect(openai());
    assert.equal(result.text, '[gpt-4o-mini] Fanout');
    assert.ok(['network', 'server', 'unknown'].includes(errorOf(result).kind));
  });

  it('finish_reason content_filter is a content_filter error', async () => {
    emulators.openai.behaviour.next({ tokens: 2, contentFilter: true });
    const error = errorOf(await collect(openai()));
    assert.equal(error.kind, 'content_filter');
  });

  it('a server that refuses connections is a network error naming the address', async () => {
    const port = await closedPort();
    const error = errorOf(await collect({ ...openai(), baseUrl: `http://127.0.0.1:${port}/v1` }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, new RegExp(`refused by OpenAI at http://127\\.0\\.0\\.1:${port}`));
  });

  it('a prompt over the context window fails with a clear reason', async () => {
    const huge = { ...PROMPT, messages: [{ role: 'user' as const, content: 'x'.repeat(1024 * 1024) }] };
    const error = errorOf(await collect(openai(), { request: huge }));
    assert.equal(error.kind, 'context_length');
    assert.match(error.message, /too long/);
  });
});

describe('provider: azure-openai (AzureOpenAI client)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());
  const azure = () => deploymentsFor(emulators).azure;

  it('calls the deployment URL with api-version and the api-key header, and reads past the filter-results chunk', async () => {
    const result = await collect(azure());
    assert.equal(result.errors.length, 0);
    assert.match(result.text, /^\[gpt-4o\] Fanout/);
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    assert.equal(request?.headers['api-key'], 'test-azure-key-0001');
    assert.equal(request?.headers.authorization, undefined);
    const finish = result.parts.at(-1);
    assert.equal(finish?.type === 'finish' && finish.requestId?.length, 36);
  });

  it('signs in with an Entra ID token as Bearer', async () => {
    const result = await collect({ ...azure(), auth: 'entra' });
    assert.equal(result.errors.length, 0);
    assert.equal(emulators.openai.server.requests[0]?.headers.authorization, 'Bearer test-entra-token-0001');
    assert.equal(emulators.openai.server.requests[0]?.headers['api-key'], undefined);
  });

  it('a wrong key is auth, an unknown deployment not_found', async () => {
    assert.equal(errorOf(await collect(azure(), { credential: { type: 'api-key', key: 'nope', source: 'test' } })).kind, 'auth');
    const missing = errorOf(await collect({ ...azure(), deployment: 'no-such-deployment' }));
    assert.equal(missing.kind, 'not_found');
    assert.match(missing.message, /deployment name/);
  });

  it('a prompt blocked by the content filter (400 content_filter) is content_filter', async () => {
    emulators.openai.behaviour.next({ error: { status: 400, code: 'content_filter', message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy." } });
    const error = errorOf(await collect(azure()));
    assert.equal(error.kind, 'content_filter');
    assert.match(error.message, /content management policy/);
  });
});
