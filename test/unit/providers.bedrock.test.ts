/** Amazon Bedrock ConverseStream through @aws-sdk/client-bedrock-runtime, over HTTP/2 (the SDK default) and HTTP/1.1. */
import * as assert from 'node:assert/strict';
import { KEYS, collect, deploymentsFor, errorOf, startEmulators, type Emulators } from '../support/fixtures';

describe('provider: bedrock (official SDK, event-stream frames, SigV4 verified)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());
  const bedrock = () => deploymentsFor(emulators).bedrock;

  for (const http1 of [false, true]) {
    const transport = http1 ? 'HTTP/1.1' : 'HTTP/2';
    describe(`over ${transport}`, () => {
      it('streams text, usage (cache reads counted in input), finish reason and request id', async () => {
        emulators.bedrock.behaviour.next({ tokens: 4, cachedInputTokens: 3 });
        const result = await collect(bedrock(), { http1 });
        assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
        assert.equal(result.text, '[us.anthropic.claude-3-5-haiku-20241022-v1:0] Fanout streams one');
        assert.deepEqual(result.parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 3 } });
        const finish = result.parts.at(-1);
        assert.equal(finish?.type, 'finish');
        assert.equal(finish?.type === 'finish' && finish.reason, 'stop');
        assert.match(finish?.type === 'finish' ? finish.requestId ?? '' : '', /^[0-9a-f-]{36}$/);
        const [request] = emulators.bedrock.server.requests;
        assert.equal(request?.httpVersion, http1 ? '1.1' : '2.0');
        assert.equal(request?.path, '/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream');
        assert.match(request?.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDFANOUTTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
        const body = JSON.parse(request!.body);
        assert.deepEqual(body.system, [{ text: 'Be brief.' }]);
        assert.deepEqual(body.inferenceConfig, { maxTokens: 64, temperature: 0.2 });
      });

      it('a wrong secret is rejected by the signature check, as the real service does', async () => {
        const error = errorOf(await collect(bedrock(), { http1, credential: { type: 'aws', accessKeyId: KEYS.aws.accessKeyId, secretAccessKey: 'not-the-secret', source: 'test' } }));
        assert.equal(error.kind, 'auth');
        assert.equal(error.status, 403);
        assert.doesNotMatch(error.message, /not-the-secret/);
      });

      it('an exception frame inside the stream (throttlingException) is a retryable rate_limit, text kept', async () => {
        emulators.bedrock.behaviour.next({ tokens: 5, streamErrorAfterTokens: 2, streamErrorType: 'throttlingException', tokensPerSecond: 200 });
        const result = await collect(bedrock(), { http1 });
        assert.equal(result.text, '[us.anthropic.claude-3-5-haiku-20241022-v1:0] Fanout');
        const error = errorOf(result);
        assert.equal(error.kind, 'rate_limit');
        assert.equal(error.retryable, true);
      });
    });
  }

  it('the credential Fanout chose wins over AWS_BEARER_TOKEN_BEDROCK in the environment', async () => {
    process.env.AWS_BEARER_TOKEN_BEDROCK = 'a-token-from-the-environment';
    try {
      const result = await collect(bedrock());
      assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
      assert.match(emulators.bedrock.server.requests[0]?.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDFANOUTTEST\//);
    } finally {
      delete process.env.AWS_BEARER_TOKEN_BEDROCK;
    }
  });

  it('an unknown access key is UnrecognizedClient → auth', async () => {
    const error = errorOf(await collect(bedrock(), { credential: { type: 'aws', accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x', source: 'test' } }));
    assert.equal(error.kind, 'auth');
  });

  it('temporary credentials carry their session token', async () => {
    const result = await collect(bedrock(), { credential: { type: 'aws', ...KEYS.awsSession, source: 'test' } });
    assert.equal(result.errors.length, 0);
    assert.equal(emulators.bedrock.server.requests[0]?.headers['x-amz-security-token'], KEYS.awsSession.sessionToken);
  });

  it('a Bedrock API key is sent as Bearer, over both transports', async () => {
    for (const http1 of [false, true]) {
      const result = await collect(bedrock(), { http1, credential: { type: 'bearer', token: KEYS.bedrockApiKey, source: 'test' } });
      assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    }
    assert.equal(emulators.bedrock.server.requests[0]?.headers.authorization, `Bearer ${KEYS.bedrockApiKey}`);
    const error = errorOf(await collect(bedrock(), { credential: { type: 'bearer', token: 'wrong-api-key', source: 'test' } }));
    assert.equal(error.kind, 'permission');
  });

  const cases: Array<[number, string, string, boolean]> = [
    [429, 'ThrottlingException', 'rate_limit', true],
    [400, 'ValidationException', 'bad_request', false],
    [403, 'AccessDeniedException', 'permission', false],
    [404, 'ResourceNotFoundException', 'not_found', false],
    [503, 'ServiceUnavailableException', 'server', true],
    [500, 'InternalServerException', 'server', true],
    [408, 'ModelTimeoutException', 'timeout', true],
    [400, 'ServiceQuotaExceededException', 'quota', false],
  ];
  for (const [status, code, kind, retryable] of cases) {
    it(`maps ${status} ${code} → ${kind}`, async () => {
      emulators.bedrock.behaviour.next({ error: { status, code } });
      const error = errorOf(await collect(bedrock()));
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
      assert.equal(error.status, status);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
    });
  }

  it('"Input is too long" is context_length', async () => {
    emulators.bedrock.behaviour.next({ error: { status: 400, code: 'ValidationException', message: 'Input is too long for requested model.' } });
    assert.equal(errorOf(await collect(bedrock())).kind, 'context_length');
  });

  it('a dropped connection and a malformed frame are errors, text kept', async () => {
    for (const http1 of [false, true]) {
      emulators.bedrock.behaviour.next({ tokens: 5, dropAfterTokens: 2, tokensPerSecond: 200 });
      const dropped = await collect(bedrock(), { http1 });
      assert.equal(dropped.text, '[us.anthropic.claude-3-5-haiku-20241022-v1:0] Fanout', `drop over ${http1 ? 'HTTP/1.1' : 'HTTP/2'}`);
      assert.ok(['network', 'unknown'].includes(errorOf(dropped).kind));
    }
    emulators.bedrock.behaviour.next({ tokens: 5, malformedAfterTokens: 2, tokensPerSecond: 200 });
    const malformed = await collect(bedrock());
    assert.equal(malformed.text, '[us.anthropic.claude-3-5-haiku-20241022-v1:0] Fanout');
    assert.ok(malformed.errors.length === 1);
  });

  it('stop reasons map: max_tokens → length, content_filtered → content_filter error', async () => {
    emulators.bedrock.behaviour.next({ tokens: 2, finishLength: true });
    const length = await collect(bedrock());
    assert.equal(length.parts.at(-1)?.type === 'finish' && (length.parts.at(-1) as { reason: string }).reason, 'length');
    emulators.bedrock.behaviour.next({ tokens: 2, contentFilter: true });
    assert.equal(errorOf(await collect(bedrock())).kind, 'content_filter');
  });
});
