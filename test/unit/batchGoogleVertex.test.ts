/** The Vertex AI batch inference adapter: @google/genai's batchPredictionJobs and Cloud Storage, against the emulators. */
import * as assert from 'node:assert/strict';
import { parseDeployments } from '../../src/core/config/deployment';
import { vertexProvider, type VertexDeployment } from '../../src/providers/google/descriptor';
import { adapterFor, BUCKET, callFor, follow, itemsOf, partsOf, startGoogleBatch, textOf, type GoogleBatchRig } from '../support/googleBatch';

describe('batch: Vertex AI (batchPredictionJobs through @google/genai, files in Cloud Storage)', function () {
  this.timeout(120_000);
  let rig: GoogleBatchRig;
  before(async () => {
    rig = await startGoogleBatch();
  });
  after(() => rig.stop());
  beforeEach(() => {
    rig.emulator.vertexBatch.knobs = { pendingMs: 60_000, runningMs: 600_000 };
    rig.emulator.server.requests.length = 0;
    rig.emulator.storage.forbidden.clear();
  });

  it('20,000 cases: the bucket checked, one input.jsonl uploaded, the job followed to JOB_STATE_SUCCEEDED, all answers matched by their key', async () => {
    const adapter = await adapterFor(rig.vertex);
    const call = callFor(rig.vertex);
    const items = itemsOf(20_000, undefined, rig.vertex.id);
    const submitted = await adapter.submit(call, items, 'eval 20k');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    assert.match(submitted.job.id, /^projects\/\d+\/locations\/us-central1\/batchPredictionJobs\/\d+$/);
    assert.match(submitted.job.data.input!, new RegExp(`^gs://${BUCKET}/evals/eval-20k-[a-z0-9]+/input\\.jsonl$`));
    const paths = rig.emulator.server.requests.map((request) => `${request.method} ${request.path.replace(/\?.*$/, '')}`);
    assert.deepEqual(paths, [`GET /storage/v1/b/${BUCKET}/o`, `POST /upload/storage/v1/b/${BUCKET}/o`, 'POST /v1beta1/projects/fanout-test-1/locations/us-central1/batchPredictionJobs'].map((path) => path.replace('v1beta1', paths[2]!.split('/')[1]!)));
    assert.equal(rig.emulator.server.requests[1]!.headers.authorization, 'Bearer test-vertex-token-batch');
    const create = JSON.parse(rig.emulator.server.requests[2]!.body);
    assert.equal(create.model, 'publishers/google/models/gemini-2.5-flash');
    assert.deepEqual(create.inputConfig, { instancesFormat: 'jsonl', gcsSource: { uris: [submitted.job.data.input] } });
    assert.deepEqual(create.outputConfig, { predictionsFormat: 'jsonl', gcsDestination: { outputUriPrefix: submitted.job.data.output } });
    const input = rig.emulator.storage.get(BUCKET, submitted.job.data.input!.replace(`gs://${BUCKET}/`, ''))!.toString('utf8').trim().split('\n');
    assert.equal(input.length, 20_000);
    const line = JSON.parse(input[3]!);
    assert.deepEqual(Object.keys(line), ['request']);
    assert.deepEqual(line.request.contents, [{ role: 'user', parts: [{ text: 'Case 3: say hello.' }] }]);
    assert.match(line.request.labels.fanout_key_0, /^[0-9a-f]+$/);

    const seen = await follow(adapter, call, submitted.job, rig.clock, 120_000);
    assert.deepEqual([...new Set(seen.map((status) => status.rawState))], ['JOB_STATE_PENDING', 'JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED']);
    const running = seen.find((status) => status.state === 'running');
    assert.equal(running?.succeeded, null, 'no completionStats while it runs');
    assert.deepEqual({ ...seen.at(-1), message: null }, { state: 'completed', rawState: 'JOB_STATE_SUCCEEDED', total: 20_000, succeeded: 20_000, failed: 0, message: null });

    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok, JSON.stringify(fetched));
    assert.equal(fetched.outcomes.length, 20_000);
    // Vertex writes the lines in no order (the emulator: last first); the keys put them back
    assert.equal(fetched.outcomes[0]!.customId, items.at(-1)!.customId);
    const byId = new Map(fetched.outcomes.map((outcome) => [outcome.customId, outcome]));
    assert.deepEqual([...byId.keys()].sort(), items.map((item) => item.customId).sort());
    assert.equal(textOf(byId.get(items[4_321]!.customId)), '[gemini-2.5-flash] Fanout streams one prompt to every cloud and compares the answers');
    const parts = partsOf(byId.get(items[4_321]!.customId));
    assert.deepEqual(parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 8, outputTokens: 12 } });
    assert.deepEqual(parts.map((part) => part.type), ['response-metadata', 'text-delta', 'usage', 'finish'], 'nothing said before sending a plain request');
    assert.equal(submitted.job.data.said, '[]');
    assert.ok(parts.at(-1)?.type === 'finish' && (parts.at(-1) as { reason: string }).reason === 'stop');
  });

  it('a job that expires half done: JOB_STATE_EXPIRED with its counts, and the half that finished is fetched', async () => {
    rig.emulator.vertexBatch.knobs = { runningMs: 10_000, expireAt: 0.5 };
    const adapter = await adapterFor(rig.vertex);
    const call = callFor(rig.vertex);
    const items = itemsOf(1_000);
    const submitted = await adapter.submit(call, items, 'expiring');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const last = (await follow(adapter, call, submitted.job, rig.clock, 2_000)).at(-1)!;
    assert.equal(last.state, 'expired');
    assert.equal(last.rawState, 'JOB_STATE_EXPIRED');
    assert.deepEqual([last.total, last.succeeded, last.failed], [1_000, 500, 0]);
    assert.match(last.message ?? '', /stopped the job before it finished.*Fetch what finished; submit the rest again/);
    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok, JSON.stringify(fetched));
    assert.equal(fetched.outcomes.length, 500);
    assert.deepEqual(fetched.outcomes.map((outcome) => outcome.customId).sort(), items.slice(0, 500).map((item) => item.customId).sort());
  });

  it('a cancel mid-run: JOB_STATE_CANCELLED, and the lines done by then are fetched', async () => {
    rig.emulator.vertexBatch.knobs = { runningMs: 10_000 };
    const adapter = await adapterFor(rig.vertex);
    const call = callFor(rig.vertex);
    const submitted = await adapter.submit(call, itemsOf(200), 'cancelled');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    rig.clock.now += 2_500;
    assert.deepEqual(await adapter.cancel(call, submitted.job), { ok: true });
    rig.clock.now += 10_000;
    const status = await adapter.status(call, submitted.job);
    assert.ok(status.ok && status.status.state === 'cancelled', JSON.stringify(status));
    assert.deepEqual([status.status.succeeded, status.status.total], [50, 200]);
    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok && fetched.outcomes.length === 50, JSON.stringify(fetched).slice(0, 300));
  });

  it('lines Vertex failed (its status text) come back as ProviderErrors of their kind, the rest as answers', async () => {
    rig.emulator.vertexBatch.knobs = { failEvery: 3, lineError: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' }, runningMs: 1_000 };
    const adapter = await adapterFor(rig.vertex);
    const call = callFor(rig.vertex);
    const items = itemsOf(9);
    const submitted = await adapter.submit(call, items, 'errors');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    // the second line becomes one the API refuses, as the job read it
    rig.emulator.vertexBatch.jobs.get(submitted.job.id.split('/').pop()!)!.requests[1]!.generationConfig = { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', patternProperties: {} } };
    const last = (await follow(adapter, call, submitted.job, rig.clock, 1_000)).at(-1)!;
    assert.deepEqual([last.state, last.succeeded, last.failed], ['completed', 5, 4]);
    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok, JSON.stringify(fetched));
    const byId = new Map(fetched.outcomes.map((outcome) => [outcome.customId, outcome]));
    const limited = byId.get(items[2]!.customId);
    assert.ok(limited && 'error' in limited, JSON.stringify(limited));
    assert.deepEqual([limited.error.kind, limited.error.status, limited.error.retryable], ['rate_limit', 429, true]);
    const refused = byId.get(items[1]!.customId);
    assert.ok(refused && 'error' in refused, JSON.stringify(refused));
    assert.equal(refused.error.kind, 'bad_request');
    assert.match(refused.error.message, /Unknown name "patternProperties"/);
    assert.equal(textOf(byId.get(items[0]!.customId)), '[gemini-2.5-flash] Fanout streams one prompt to every cloud and compares the answers');
  });

  it('a bucket that does not exist, or that the sign-in may not use, is named with the fix before anything is uploaded', async () => {
    const adapter = await adapterFor(rig.vertex);
    const missing: VertexDeployment = { ...rig.vertex, batch: { gcsUri: 'gs://no-such-bucket-42/evals', storageEndpoint: rig.emulator.url } };
    const result = await adapter.submit(callFor(missing), itemsOf(5), 'nowhere');
    assert.ok(!result.ok, JSON.stringify(result));
    assert.equal(result.error.kind, 'not_found');
    assert.match(result.error.message, /The Cloud Storage bucket gs:\/\/no-such-bucket-42 \(batch\.gcsUri of deployment "vertex-batch"\) does not exist\. Create it \(gcloud storage buckets create gs:\/\/no-such-bucket-42\) or name an existing bucket in "batch\.gcsUri"\./);
    rig.emulator.storage.forbidden.add(BUCKET);
    const forbidden = await adapter.submit(callFor(rig.vertex), itemsOf(5), 'forbidden');
    assert.ok(!forbidden.ok && forbidden.error.kind === 'permission', JSON.stringify(forbidden));
    assert.match(forbidden.error.message, /may not list gs:\/\/fanout-batch-test .*storage\.objects\.list.*Grant it "Storage Object Admin" \(roles\/storage\.objectAdmin\)/);
    const paths = rig.emulator.server.requests.map((request) => `${request.method} ${request.path.replace(/\?.*$/, '')}`);
    assert.deepEqual(paths, ['GET /storage/v1/b/no-such-bucket-42/o', `GET /storage/v1/b/${BUCKET}/o`], 'nothing uploaded, no job created');
  });

  it('an upload whose connection is cut before any answer is sent once more; a second cut is a network error naming the bucket', async () => {
    rig.emulator.vertexBatch.knobs = {};
    const adapter = await adapterFor(rig.vertex);
    rig.emulator.storage.resetUploads = 1;
    const retried = await adapter.submit(callFor(rig.vertex), itemsOf(5), 'reset-once');
    assert.ok(retried.ok, JSON.stringify(retried));
    assert.equal(rig.emulator.server.requests.filter((request) => request.path.startsWith('/upload/storage/')).length, 2);
    rig.emulator.storage.resetUploads = 2;
    const failed = await adapter.submit(callFor(rig.vertex), itemsOf(5), 'reset-twice');
    assert.ok(!failed.ok && failed.error.kind === 'network', JSON.stringify(failed));
    assert.match(failed.error.message, /Could not reach Cloud Storage at http:\/\/127\.0\.0\.1:\d+ for gs:\/\/fanout-batch-test/);
    assert.equal(rig.emulator.vertexBatch.jobs.size > 0 && [...rig.emulator.vertexBatch.jobs.values()].some((job) => job.body.displayName === 'reset-twice'), false, 'no job without its input');
  });

  it('config: "batch": {"gcsUri"} checked; problem() names the field and the fix; half price', () => {
    const base = { id: 'v', provider: 'vertex', model: 'gemini-2.5-flash', project: 'my-project-123', location: 'us-central1' };
    const parsed = parseDeployments([base]);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(vertexProvider.batch!.problem(parsed.deployments[0] as VertexDeployment), 'Vertex AI batch inference reads and writes Cloud Storage — add "batch": {"gcsUri": "gs://YOUR_BUCKET/fanout"} to deployment "v" (a bucket your Google sign-in can write).');
    const good = parseDeployments([{ ...base, batch: { gcsUri: 'gs://my-bucket/fanout/evals' } }]);
    assert.ok(good.ok && vertexProvider.batch!.problem(good.deployments[0] as VertexDeployment) === null, JSON.stringify(good));
    for (const gcsUri of ['my-bucket/fanout', 'gs://', 'gs://UPPER/x', 's3://bucket']) {
      const bad = parseDeployments([{ ...base, batch: { gcsUri } }]);
      assert.ok(!bad.ok && JSON.stringify(bad).includes('is not a Cloud Storage location: write gs://BUCKET or gs://BUCKET/prefix'), `${gcsUri}: ${JSON.stringify(bad)}`);
    }
    assert.equal(vertexProvider.batch!.priceFactor, 0.5);
  });
});
