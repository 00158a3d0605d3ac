/** Gemini on Vertex AI and the Gemini API through @google/genai over SSE. */
import * as assert from 'node:assert/strict';
import { collect, deploymentsFor, errorOf, startEmulators, type Emulators } from '../support/fixtures';

describe('provider: vertex and gemini (official @google/genai over SSE)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('Gemini API: key in x-goog-api-key, text, usage with cache, finish, model and response id', async () => {
    emulators.google.behaviour.next({ tokens: 3, cachedInputTokens: 4 });
    const result = await collect(deploymentsFor(emulators).gemini);
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.equal(result.text, '[gemini-2.0-flash] Fanout streams');
    assert.deepEqual(result.parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 9, outputTokens: 3, cachedInputTokens: 4 } });
    const finish = result.parts.at(-1);
    assert.equal(finish?.type === 'finish' && finish.reason, 'stop');
    assert.equal(finish?.type === 'finish' && finish.model, 'gemini-2.0-flash');
    assert.match(finish?.type === 'finish' ? finish.requestId ?? '' : '', /^[0-9a-f]{22}$/);
    const [request] = emulators.google.server.requests;
    assert.match(request?.path ?? '', /^\/v1(beta)?\/models\/gemini-2\.0-flash:streamGenerateContent\?alt=sse$/);
    assert.equal(request?.headers['x-goog-api-key'], 'test-gemini-key-0001');
    const body = JSON.parse(request!.body);
    assert.deepEqual(body.systemInstruction?.parts, [{ text: 'Be brief.' }]);
    assert.equal(body.generationConfig?.maxOutputTokens, 64);
  });

  it('Vertex AI: project/location path and Bearer token', async () => {
    const result = await collect(deploymentsFor(emulators).vertex);
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.match(result.text, /^\[gemini-2.5-flash\]/);
    const [request] = emulators.google.server.requests;
    assert.match(request?.path ?? '', /^\/v1(beta1)?\/projects\/fanout-test-1\/locations\/us-central1\/publishers\/google\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/);
    assert.equal(request?.headers.authorization, 'Bearer test-vertex-token-0001');
  });

  it('a bad Gemini key (400 API_KEY_INVALID) is auth, a bad Vertex token (401) is auth', async () => {
    const gemini = errorOf(await collect(deploymentsFor(emulators).gemini, { credential: { type: 'api-key', key: 'bad', source: 'test' } }));
    assert.equal(gemini.kind, 'auth');
    const vertex = errorOf(await collect(deploymentsFor(emulators).vertex, { credential: { type: 'bearer', token: 'bad', source: 'test' } }));
    assert.equal(vertex.kind, 'auth');
    assert.equal(vertex.status, 401);
  });

  it('429 RESOURCE_EXHAUSTED with RetryInfo is rate_limit with its delay', async () => {
    emulators.google.behaviour.next({ error: { status: 429, headers: { 'retry-after': '3' } } });
    const error = errorOf(await collect(deploymentsFor(emulators).gemini));
    assert.equal(error.kind, 'rate_limit');
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(error.retryable, true);
  });

  for (const [status, kind] of [[500, 'server'], [503, 'server'], [404, 'not_found'], [403, 'permission']] as const) {
    it(`maps ${status} → ${kind}`, async () => {
      emulators.google.behaviour.next({ error: { status } });
      assert.equal(errorOf(await collect(deploymentsFor(emulators).vertex)).kind, kind);
    });
  }

  it('a prompt over the input token limit is context_length', async () => {
    emulators.google.behaviour.next({ error: { status: 400, message: 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).' } });
    assert.equal(errorOf(await collect(deploymentsFor(emulators).gemini)).kind, 'context_length');
  });

  it('an error event mid-stream, a drop and a malformed event are errors with the text kept', async () => {
    for (const fault of [{ streamErrorAfterTokens: 2 }, { dropAfterTokens: 2 }, { malformedAfterTokens: 2 }]) {
      emulators.google.behaviour.next({ tokens: 5, tokensPerSecond: 200, ...fault });
      const result = await collect(deploymentsFor(emulators).gemini);
      assert.equal(result.text, '[gemini-2.0-flash] Fanout', JSON.stringify(fault));
      assert.equal(result.errors.length, 1, JSON.stringify(fault));
    }
  });

  it('finishReason SAFETY is a content_filter error, MAX_TOKENS is length', async () => {
    emulators.google.behaviour.next({ tokens: 2, contentFilter: true });
    assert.equal(errorOf(await collect(deploymentsFor(emulators).gemini)).kind, 'content_filter');
    emulators.google.behaviour.next({ tokens: 2, finishLength: true });
    const result = await collect(deploymentsFor(emulators).gemini);
    assert.equal(result.parts.at(-1)?.type === 'finish' && (result.parts.at(-1) as { reason: string }).reason, 'length');
  });
});
