/** Vertex AI's OpenAI-compatible endpoint (gpt-oss and partner models) through the official `openai` SDK, signed in with Google ADC. */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collect, deploymentsFor, errorOf, startEmulators, type Emulators } from '../support/fixtures';

const run = promisify(execFile);

describe('provider: vertex-openai (official openai SDK on Vertex AI\'s endpoints/openapi)', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('streams from the project\'s openapi route with the Google token as Bearer: text, usage, finish', async () => {
    emulators.openai.behaviour.next({ tokens: 4, cachedInputTokens: 2 });
    const result = await collect(deploymentsFor(emulators).vertexOpenai);
    assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
    assert.match(result.text, /^\[openai\/gpt-oss-120b-maas\]/);
    assert.deepEqual(result.parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 2 } });
    const finish = result.parts.at(-1);
    assert.equal(finish?.type === 'finish' && finish.reason, 'stop');
    const [request] = emulators.openai.server.requests;
    assert.equal(request?.path, '/v1/projects/fanout-test-1/locations/us-central1/endpoints/openapi/chat/completions');
    assert.equal(request?.headers.authorization, 'Bearer test-vertex-token-0001');
    const body = JSON.parse(request!.body);
    assert.equal(body.model, 'openai/gpt-oss-120b-maas');
    assert.equal(body.max_tokens, 64, 'the compatible endpoint takes max_tokens');
    assert.deepEqual(body.messages[0], { role: 'system', content: 'Be brief.' });
  });

  it('a refused token is auth (401, Google\'s error shape); a 429 is a retryable rate limit; a 404 model is not_found', async () => {
    const auth = errorOf(await collect(deploymentsFor(emulators).vertexOpenai, { credential: { type: 'bearer', token: 'expired-token', source: 'test' } }));
    assert.equal(auth.kind, 'auth');
    assert.equal(auth.status, 401);
    assert.match(auth.message, /Vertex AI/);
    emulators.openai.behaviour.next({ error: { status: 429, message: 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model.' } });
    const limited = errorOf(await collect(deploymentsFor(emulators).vertexOpenai));
    assert.equal(limited.kind, 'rate_limit');
    assert.equal(limited.retryable, true);
    emulators.openai.behaviour.next({ error: { status: 404, message: 'Publisher Model `projects/fanout-test-1/locations/us-central1/publishers/openai/models/gpt-oss-999b-maas` not found.' } });
    const missing = errorOf(await collect(deploymentsFor(emulators).vertexOpenai));
    assert.equal(missing.kind, 'not_found');
    assert.match(missing.message, /gpt-oss-999b-maas/);
  });

  it('the CLI signs in with Google Application Default Credentials (metadata server) and sends the token to Vertex AI only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-vertex-openai-'));
    const config = join(dir, 'fanout.json');
    writeFileSync(config, JSON.stringify({ deployments: [deploymentsFor(emulators).vertexOpenai] }));
    const { stdout } = await run(process.execPath, [join(__dirname, '../../../bin/fanout.js'), 'run', '--config', config, '--prompt', 'Hi', '--format', 'json'], {
      env: { ...process.env, GCE_METADATA_HOST: emulators.google.metadataHost, METADATA_SERVER_DETECTION: 'assume-present', NO_PROXY: '127.0.0.1' },
    });
    const [result] = JSON.parse(stdout).results;
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.equal(result.provider, 'vertex-openai');
    assert.equal(result.metrics.costUsd, null, 'gpt-oss has no price in Google\'s table: unknown, never 0');
    assert.equal(emulators.openai.server.requests.at(-1)?.headers.authorization, 'Bearer test-metadata-token-0001');
  });
});
