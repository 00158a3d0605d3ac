/**
 * The Google batch wire, piece by piece: a batch line's request is exactly the body the SDK sends for the same
 * streamed request; the case key survives Vertex's label rules; Vertex's failed-line status text is read; and the
 * Cloud Storage emulator answers the official @google-cloud/storage SDK as Cloud Storage does.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import type { ChatRequest } from '../../src/core/request/chatRequest';
import { googleAdapter } from '../../src/providers/google/adapter';
import { keyFromLabels, keyLabels } from '../../src/providers/google/batchKey';
import { parseVertexStatus } from '../../src/providers/google/batchOutcome';
import { convertRequest } from '../../src/providers/google/convertRequest';
import { generateContentBody } from '../../src/providers/google/requestBody';
import { BUCKET, callFor, startGoogleBatch, VERTEX_TOKEN, type GoogleBatchRig } from '../support/googleBatch';

const weather = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const REQUESTS: Record<string, ChatRequest> = {
  plain: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hello.' }], params: { maxTokens: 64, temperature: 0.2, topP: 0.9 } },
  tools: { messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] }, { role: 'user', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'get_weather', content: '{"temp":21}' }] }], params: {}, tools: [weather], toolChoice: { name: 'get_weather' } },
  schema: { messages: [{ role: 'user', content: 'A city.' }], params: { maxTokens: 32 }, responseFormat: { name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  reasoning: { messages: [{ role: 'user', content: 'Think.' }], params: {}, reasoning: { budgetTokens: 2048 } },
  image: { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' }] }], params: {} },
};

describe('batch: the Google wire, piece by piece', function () {
  this.timeout(60_000);
  let rig: GoogleBatchRig;
  before(async () => {
    rig = await startGoogleBatch();
  });
  after(() => rig.stop());

  for (const [name, request] of Object.entries(REQUESTS)) {
    it(`a batch line's request is the body @google/genai sends for the same request (${name})`, async () => {
      rig.emulator.server.requests.length = 0;
      const call = callFor(rig.gemini);
      for await (const part of googleAdapter.stream({ ...call, request })) assert.notEqual(part.type, 'error', JSON.stringify(part));
      const sent = JSON.parse(rig.emulator.server.requests.at(-1)!.body);
      const converted = convertRequest(request, call.signal, rig.gemini.model);
      assert.deepEqual(JSON.parse(JSON.stringify(generateContentBody(converted.contents, converted.config))), sent);
    });
  }

  it('a case key survives Vertex label rules (lowercase, digits, "_" and "-", 63 characters a value) both ways', () => {
    for (const key of ['tests.yaml/0/0/vertex-flash', 'Ünïcode/Ключ/🙂', 'x'.repeat(300), '']) {
      const labels = keyLabels(key);
      for (const [name, value] of Object.entries(labels)) {
        assert.match(name, /^[a-z][a-z0-9_-]{0,62}$/);
        assert.match(value, /^[a-z0-9_-]{0,63}$/);
      }
      assert.equal(keyFromLabels(labels), key);
    }
    assert.equal(keyFromLabels({ team: 'evals' }), null);
    assert.equal(keyFromLabels(undefined), null);
  });

  it("Vertex's status of a failed line is read, as text with JSON inside, as plain text, or as an object", () => {
    assert.deepEqual(parseVertexStatus('Bad Request: {"error": {"code": 400, "message": "Please use a valid role: user, model.", "status": "INVALID_ARGUMENT"}}'), { code: 400, message: 'Please use a valid role: user, model.', status: 'INVALID_ARGUMENT' });
    assert.deepEqual(parseVertexStatus('Too Many Requests: quota exceeded'), { code: 429, message: 'Too Many Requests: quota exceeded' });
    assert.deepEqual(parseVertexStatus({ code: 500, message: 'internal' }), { code: 500, message: 'internal' });
  });

  it('the Cloud Storage emulator serves the official SDK: resumable and multipart uploads, metadata, paged listing by prefix, download, and a missing bucket', async () => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: VERTEX_TOKEN, expiry_date: Date.now() + 3_600_000 });
    const storage = new Storage({ apiEndpoint: rig.emulator.url, projectId: 'fanout-test-1', useAuthWithCustomEndpoint: true, authClient: authClient as never, retryOptions: { autoRetry: false } });
    const bucket = storage.bucket(BUCKET);
    rig.emulator.storage.pageSize = 2;
    // a resumable upload: the session opened with the token, the bytes sent to the session URI (its own credential)
    const [session] = await bucket.file('sdk/a.jsonl').createResumableUpload({ metadata: { contentType: 'application/jsonl' } });
    assert.match(session, /upload_id=/);
    await bucket.file('sdk/a.jsonl').save('{"a":1}\n', { resumable: true, uri: session, contentType: 'application/jsonl' });
    await bucket.file('sdk/b.jsonl').save('{"b":2}\n', { resumable: false, contentType: 'application/jsonl' });
    await bucket.file('sdk/c/d.jsonl').save('{"d":4}\n', { resumable: false });
    await bucket.file('other.txt').save('x', { resumable: false });
    const [files] = await bucket.getFiles({ prefix: 'sdk/' });
    assert.deepEqual(files.map((file) => file.name), ['sdk/a.jsonl', 'sdk/b.jsonl', 'sdk/c/d.jsonl']);
    const [metadata] = await bucket.file('sdk/a.jsonl').getMetadata();
    assert.deepEqual([metadata.size, metadata.contentType], ['8', 'application/jsonl']);
    const [content] = await bucket.file('sdk/b.jsonl').download();
    assert.equal(content.toString('utf8'), '{"b":2}\n');
    assert.equal(rig.emulator.server.requests.filter((request) => request.path.includes('/storage/v1/') && !request.path.includes('upload_id=')).every((request) => request.headers.authorization === `Bearer ${VERTEX_TOKEN}`), true);
    await assert.rejects(storage.bucket('no-such-bucket-42').file('x').save('x', { resumable: false }), (error: { code?: number; message?: string }) => error.code === 404 && /The specified bucket does not exist/.test(error.message ?? ''));
    rig.emulator.storage.pageSize = 1000;
  });

  it('the batch adapters are their own lazily loaded chunk, holding no SDK (they require the shared google-sdk chunk)', () => {
    const meta = JSON.parse(readFileSync(join(__dirname, '../../../dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown>; imports?: Array<{ path: string }> }> };
    const chunk = meta.outputs['dist/providers/google-batch.js'];
    assert.ok(chunk, Object.keys(meta.outputs).join(', '));
    assert.deepEqual(Object.keys(chunk.inputs).filter((input) => input.includes('node_modules')), []);
    for (const entry of ['dist/cli.js', 'dist/extension.js']) {
      const inputs = Object.keys(meta.outputs[entry]?.inputs ?? {});
      assert.ok(!inputs.some((input) => /google\/(batch|geminiBatch|vertexBatch|cloudStorage)\.ts$/.test(input)), `${entry} bundles no batch adapter`);
    }
  });
});
