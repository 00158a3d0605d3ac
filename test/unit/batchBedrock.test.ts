/**
 * Bedrock batch inference through the real SDKs (@aws-sdk/client-s3, @aws-sdk/client-bedrock) against the loopback
 * emulators: S3 path-style and the model-invocation-job control plane on the Bedrock emulator's port, SigV4 checked
 * for both services. Jobs move through their states in a few milliseconds of the emulator's time.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchAdapter, BatchCall, BatchItem, BatchJobRef, BatchOutcome, BatchState, BatchStatus } from '../../src/core/batch/batchAdapter';
import { FINAL_BATCH_STATES } from '../../src/core/batch/batchAdapter';
import type { Credential } from '../../src/core/security/credential';
import { bedrockProvider, type BedrockDeployment } from '../../src/providers/bedrock/descriptor';
import { BATCH_DEFAULTS, BedrockEmulator } from '../emulators/bedrock';
import { TestProxy } from '../emulators/proxy';
import { KEYS } from '../support/fixtures';

const ROLE = 'arn:aws:iam::123456789012:role/FanoutBatch';
const MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function itemsFor(count: number, deploymentId = 'bedrock-haiku'): BatchItem[] {
  return Array.from({ length: count }, (_, index) => ({
    customId: `case-${index}/prompt-0/0/${deploymentId}`,
    request: { system: 'Be brief.', messages: [{ role: 'user', content: `Question ${index}: what does Fanout do?` }], params: { maxTokens: 64 } },
  }));
}

describe('Bedrock batch inference (client-s3 + client-bedrock against the S3 and control-plane emulators, SigV4 checked)', function () {
  this.timeout(120_000);
  let emulator: BedrockEmulator;
  let adapter: BatchAdapter<BedrockDeployment>;
  before(async () => {
    emulator = await new BedrockEmulator({ keys: [KEYS.aws], apiKeys: [KEYS.bedrockApiKey], buckets: { 'fanout-batch': 'us-east-1', 'fanout-eu': 'eu-west-1', 'locked-bucket': 'us-east-1' } }).start();
    adapter = await bedrockProvider.batch!.adapter();
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.server.requests.length = 0;
    emulator.s3.objects.clear();
    emulator.s3.knobs = { buckets: { 'fanout-batch': 'us-east-1', 'fanout-eu': 'eu-west-1', 'locked-bucket': 'us-east-1' }, denied: ['locked-bucket'] };
    emulator.batch.knobs = { ...BATCH_DEFAULTS, roles: [ROLE] };
    emulator.batch.jobs.clear();
  });

  const deployment = (batch: BedrockDeployment['batch'] | null = { s3Uri: 's3://fanout-batch/evals', roleArn: ROLE }): BedrockDeployment =>
    ({ id: 'bedrock-haiku', provider: 'bedrock', model: MODEL, region: 'us-east-1', endpoint: emulator.url, ...(batch ? { batch } : {}) });
  const call = (target = deployment(), credential: Credential = { type: 'aws', ...KEYS.aws, source: 'test' }): BatchCall<BedrockDeployment> =>
    ({ deployment: target, credential, transport: {}, signal: new AbortController().signal });

  async function submitted(items: readonly BatchItem[], target = deployment()): Promise<BatchJobRef> {
    const result = await adapter.submit(call(target), items, 'fanout-eval-2026-11-27');
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    return result.job;
  }

  /** Polls until the job reaches one of `states` (bounded by a number of polls, never by the wall clock). */
  async function follow(job: BatchJobRef, states: readonly BatchState[] = FINAL_BATCH_STATES, target = deployment()): Promise<{ status: BatchStatus; seen: string[] }> {
    const seen: string[] = [];
    for (let poll = 0; poll < 2000; poll++) {
      const result = await adapter.status(call(target), job);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
      if (seen.at(-1) !== result.status.rawState) seen.push(result.status.rawState);
      if (states.includes(result.status.state)) return { status: result.status, seen };
      await sleep(5);
    }
    assert.fail(`the job never reached ${states.join(' or ')}: ${seen.join(' → ')}`);
  }

  async function fetched(job: BatchJobRef, target = deployment()): Promise<BatchOutcome[]> {
    const result = await adapter.fetch(call(target), job);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    return result.outcomes;
  }

  const partsOf = (outcome: BatchOutcome | undefined) => {
    assert.ok(outcome && 'parts' in outcome, JSON.stringify(outcome));
    return outcome.parts;
  };

  it('sends 20,000 records through S3, follows the job to Completed, and fetches every outcome (shuffled) with text, usage and finish', async () => {
    emulator.batch.knobs.behaviour = { tokens: 4, cachedInputTokens: 2, cacheWriteTokens: 1 };
    const items = itemsFor(20_000);
    const job = await submitted(items);
    assert.match(job.id, /^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]+$/);
    assert.equal(job.data.inputUri, 's3://fanout-batch/evals/fanout-eval-2026-11-27/input.jsonl');
    assert.equal(job.data.outputUri, 's3://fanout-batch/evals/fanout-eval-2026-11-27/output/');

    // the input as Bedrock reads it: one {recordId, modelInput} line per case, modelInput a Converse body without the model
    const input = emulator.s3.get('fanout-batch', 'evals/fanout-eval-2026-11-27/input.jsonl')!.body.toString('utf8').trim().split('\n');
    assert.equal(input.length, 20_000);
    const first = JSON.parse(input[0]!);
    assert.match(first.recordId, /^[0-9a-f]+$/);
    assert.deepEqual(first.modelInput, { messages: [{ role: 'user', content: [{ text: 'Question 0: what does Fanout do?' }] }], system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 64 } });
    const create = emulator.server.requests.find((request) => request.path === '/model-invocation-job')!;
    const { clientRequestToken, ...created } = JSON.parse(create.body);
    assert.match(clientRequestToken, /^[0-9a-f-]{36}$/, 'the SDK makes the create idempotent with its own token');
    assert.deepEqual(created, {
      jobName: 'fanout-eval-2026-11-27', roleArn: ROLE, modelId: MODEL, modelInvocationType: 'Converse',
      inputDataConfig: { s3InputDataConfig: { s3Uri: job.data.inputUri, s3InputFormat: 'JSONL' } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: job.data.outputUri } },
    });
    // both services signed with SigV4, each for its own service name
    const put = emulator.server.requests.find((request) => request.method === 'PUT')!;
    assert.match(put.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDFANOUTTEST\/\d{8}\/us-east-1\/s3\/aws4_request/);
    assert.match(put.headers['x-amz-content-sha256'] ?? '', /^[0-9a-f]{64}$/);
    assert.match(create.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDFANOUTTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/);

    const { status, seen } = await follow(job);
    assert.equal(status.state, 'completed');
    assert.equal(status.rawState, 'Completed');
    assert.deepEqual([status.total, status.succeeded, status.failed], [20_000, 20_000, 0]);
    // however often it was asked, the job went through Bedrock's states in their order
    const order = ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Completed'];
    assert.deepEqual(seen, order.filter((state) => seen.includes(state)), seen.join(' → '));

    const outcomes = await fetched(job);
    assert.equal(outcomes.length, 20_000);
    assert.deepEqual(new Set(outcomes.map((outcome) => outcome.customId)), new Set(items.map((item) => item.customId)));
    assert.notDeepEqual(outcomes.slice(0, 10).map((outcome) => outcome.customId), items.slice(0, 10).map((item) => item.customId), 'the output comes back in another order');
    const parts = partsOf(outcomes.find((outcome) => outcome.customId === 'case-7/prompt-0/0/bedrock-haiku'));
    assert.deepEqual(parts.find((part) => part.type === 'text-delta'), { type: 'text-delta', text: `[${MODEL}] Fanout streams one` });
    const usage = parts.find((part) => part.type === 'usage');
    assert.ok(usage?.type === 'usage');
    assert.deepEqual({ ...usage.usage, inputTokens: 0 }, { inputTokens: 0, outputTokens: 4, cachedInputTokens: 2, cacheWriteTokens: 1 });
    assert.ok(usage.usage.inputTokens > 3);
    assert.deepEqual(parts.at(-1), { type: 'finish', reason: 'stop', rawReason: 'end_turn', requestId: null });

    // the manifest is there, and fetching again gives the same outcomes, never more
    const manifestKey = emulator.s3.keys('fanout-batch', 'evals/').find((key) => key.endsWith('manifest.json.out'))!;
    assert.equal(JSON.parse(emulator.s3.get('fanout-batch', manifestKey)!.body.toString('utf8')).successRecordCount, 20_000);
    assert.equal((await fetched(job)).length, 20_000);
  });

  it('a job that expires half done keeps its partial output', async () => {
    emulator.batch.knobs.expireAfter = 100;
    const job = await submitted(itemsFor(200));
    const { status } = await follow(job);
    assert.equal(status.state, 'expired');
    assert.equal(status.rawState, 'Expired');
    assert.match(status.message ?? '', /timed out.*fetch what it finished/);
    const outcomes = await fetched(job);
    assert.equal(outcomes.length, 100);
    assert.ok(outcomes.every((outcome) => 'parts' in outcome));
  });

  it('a job stopped while it runs is Stopped, and its finished records are fetched', async () => {
    emulator.batch.knobs.runMs = 10 * 60_000;
    const job = await submitted(itemsFor(150));
    const running = await follow(job, ['running']);
    assert.equal(running.status.rawState, 'InProgress');
    const cancelled = await adapter.cancel(call(), job);
    assert.ok(cancelled.ok, JSON.stringify(!cancelled.ok && cancelled.error));
    assert.ok(emulator.server.requests.some((request) => request.method === 'POST' && /\/model-invocation-job\/arn%3Aaws%3Abedrock.*\/stop$/.test(request.path)));
    const { status, seen } = await follow(job);
    assert.equal(status.state, 'cancelled');
    assert.ok(seen.includes('Stopping') || seen.at(-1) === 'Stopped', seen.join(' → '));
    assert.equal((await fetched(job)).length, 75);
  });

  it('records the cloud answered with an error come back as errors of their kind; tools and JSON answers map like a stream', async () => {
    const errors: Record<number, { errorCode: number; errorMessage: string }> = {
      0: { errorCode: 429, errorMessage: 'Too many requests, please wait before trying again.' },
      1: { errorCode: 400, errorMessage: 'Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again.' },
      2: { errorCode: 500, errorMessage: 'The system encountered an unexpected error during processing. Try your request again.' },
      3: { errorCode: 408, errorMessage: 'Model has timed out in processing the request. Try your request again.' },
    };
    emulator.batch.knobs.failRecord = (index) => errors[index] ?? null;
    const items = itemsFor(120);
    items[10] = { customId: 'tool/prompt-0/0/bedrock-haiku', request: { messages: [{ role: 'user', content: 'Weather in Paris?' }], params: {}, tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] } };
    items[11] = { customId: 'json/prompt-0/0/bedrock-haiku', request: { messages: [{ role: 'user', content: 'Give a city.' }], params: {}, responseFormat: { name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } };
    const job = await submitted(items);
    const { status } = await follow(job);
    assert.equal(status.rawState, 'PartiallyCompleted');
    assert.equal(status.state, 'completed');
    assert.deepEqual([status.succeeded, status.failed], [116, 4]);
    const outcomes = new Map((await fetched(job)).map((outcome) => [outcome.customId, outcome]));
    assert.equal(outcomes.size, 120);
    const kinds = [0, 1, 2, 3].map((index) => {
      const outcome = outcomes.get(`case-${index}/prompt-0/0/bedrock-haiku`);
      assert.ok(outcome && 'error' in outcome, JSON.stringify(outcome));
      assert.match(outcome.error.message, /Amazon Bedrock \(deployment "bedrock-haiku"\)/);
      return [outcome.error.kind, outcome.error.status];
    });
    assert.deepEqual(kinds, [['rate_limit', 429], ['bad_request', 400], ['server', 500], ['timeout', 408]]);
    const tool = partsOf(outcomes.get('tool/prompt-0/0/bedrock-haiku'));
    assert.deepEqual(tool.filter((part) => part.type === 'tool-call').map((part) => part.type === 'tool-call' && [part.name, part.arguments]), [['get_weather', { city: 'Paris' }]]);
    assert.equal(tool.at(-1)?.type === 'finish' && tool.at(-1)?.type === 'finish' ? (tool.at(-1) as { reason: string }).reason : null, 'tool_calls');
    // Claude 3.5 Haiku takes the schema through a forced tool: its input is the answer's text, and the answer ends as "stop"
    const json = partsOf(outcomes.get('json/prompt-0/0/bedrock-haiku'));
    assert.deepEqual(JSON.parse(json.find((part) => part.type === 'text-delta')?.type === 'text-delta' ? (json.find((part) => part.type === 'text-delta') as { text: string }).text : 'null'), { city: 'Paris' });
    assert.ok(!json.some((part) => part.type === 'tool-call'));
    assert.equal((json.at(-1) as { reason?: string }).reason, 'stop');
  });

  it('goes through the proxy the streaming path takes: S3 and the control plane alike', async () => {
    const proxy = await new TestProxy().start();
    try {
      const through = (target = deployment()): BatchCall<BedrockDeployment> => ({ ...call(target), transport: { network: { proxy: proxy.url } } });
      const submittedJob = await adapter.submit(through(), itemsFor(100), 'proxied');
      assert.ok(submittedJob.ok, JSON.stringify(!submittedJob.ok && submittedJob.error));
      await follow(submittedJob.job);
      const result = await adapter.fetch(through(), submittedJob.job);
      assert.ok(result.ok && result.outcomes.length === 100);
      // the status polls above went direct (no proxy given to them); everything else came through the tunnel
      const polls = emulator.server.requests.filter((request) => request.method === 'GET' && request.path.startsWith('/model-invocation-job/')).length;
      assert.deepEqual(proxy.routes([emulator.server]), { through: emulator.server.requests.length - polls, direct: polls, directPorts: polls ? [emulator.server.port] : [] });
      assert.ok(emulator.server.requests.length - polls >= 5, 'HeadBucket, PutObject, CreateModelInvocationJob, ListObjectsV2, GetObject');
      assert.ok(proxy.requests.every((request) => request.target === `127.0.0.1:${emulator.server.port}`), JSON.stringify(proxy.requests));
    } finally {
      await proxy.stop();
    }
  });

  describe('configuration, named before anything is uploaded', () => {
    const uploads = () => emulator.server.requests.filter((request) => request.method === 'PUT' || request.path === '/model-invocation-job');

    it('a deployment without batch settings, or with a malformed role or location, is named with the field and the fix', async () => {
      const problem = bedrockProvider.batch!.problem;
      assert.equal(problem(deployment()), null);
      assert.match(problem(deployment(null)) ?? '', /^Bedrock batch inference needs an S3 location and a service role: add "batch": \{"s3Uri": "s3:\/\/bucket\/prefix", "roleArn"/);
      assert.match(problem(deployment({ s3Uri: 's3://fanout-batch', roleArn: 'FanoutBatch' })) ?? '', /^batch\.roleArn "FanoutBatch" is not an IAM role ARN: write it as "arn:aws:iam::<12-digit account>:role\/<name>"/);
      assert.match(problem(deployment({ s3Uri: 'https://fanout-batch.s3.amazonaws.com/x', roleArn: ROLE })) ?? '', /^batch\.s3Uri .* is not an S3 location: write it as "s3:\/\/bucket\/prefix"/);
      // the config check refuses the same shapes when the file is read
      const parsed = bedrockProvider.schema.safeParse({ ...deployment(), batch: { s3Uri: 's3://Bad_Bucket', roleArn: 'arn:aws:iam::12:role/x' } });
      assert.equal(parsed.success, false);
      assert.deepEqual(parsed.error!.issues.map((issue) => issue.path.join('.')).sort(), ['batch.roleArn', 'batch.s3Uri']);
      assert.equal(bedrockProvider.schema.safeParse(deployment()).success, true);
      const refused = await adapter.submit(call(deployment({ s3Uri: 's3://fanout-batch', roleArn: 'FanoutBatch' })), itemsFor(100), 'job');
      assert.ok(!refused.ok);
      assert.match(refused.error.message, /^Bedrock deployment "bedrock-haiku": batch\.roleArn/);
      assert.equal(emulator.server.requests.length, 0, 'nothing was sent');
    });

    it('fewer records than Bedrock\'s minimum are refused before upload, with the fix', async () => {
      assert.equal(adapter.limits.minItems, 100);
      const result = await adapter.submit(call(), itemsFor(99), 'small');
      assert.ok(!result.ok);
      assert.equal(result.error.kind, 'bad_request');
      assert.match(result.error.message, /at least 100 records per job.*has 99 cases: run them streamed \(without --batch\)/);
      assert.equal(emulator.server.requests.length, 0, 'nothing was sent');
    });

    it('a bucket that does not exist, one that refuses us, or one in another region is named before the upload', async () => {
      const missing = await adapter.submit(call(deployment({ s3Uri: 's3://no-such-bucket/x', roleArn: ROLE })), itemsFor(100), 'job');
      assert.ok(!missing.ok);
      assert.equal(missing.error.kind, 'not_found');
      assert.match(missing.error.message, /S3 bucket "no-such-bucket" \(batch\.s3Uri "s3:\/\/no-such-bucket\/x" of deployment "bedrock-haiku"\) does not exist\. Create it/);
      const locked = await adapter.submit(call(deployment({ s3Uri: 's3://locked-bucket/x', roleArn: ROLE })), itemsFor(100), 'job');
      assert.ok(!locked.ok);
      assert.equal(locked.error.kind, 'permission');
      assert.match(locked.error.message, /"locked-bucket".*refused your AWS identity.*s3:PutObject/);
      const elsewhere = await adapter.submit(call(deployment({ s3Uri: 's3://fanout-eu/x', roleArn: ROLE })), itemsFor(100), 'job');
      assert.ok(!elsewhere.ok);
      assert.match(elsewhere.error.message, /is in eu-west-1, and the deployment runs in us-east-1.*Choose a bucket in us-east-1/);
      assert.deepEqual(uploads(), []);
      assert.equal(emulator.server.requests.filter((request) => request.method === 'HEAD').length, 3);
    });

    it('a role Bedrock cannot assume, or one the caller may not pass, is named with the fix', async () => {
      const unknownRole = 'arn:aws:iam::123456789012:role/NotTrusted';
      const refused = await adapter.submit(call(deployment({ s3Uri: 's3://fanout-batch/x', roleArn: unknownRole })), itemsFor(100), 'job');
      assert.ok(!refused.ok);
      assert.equal(refused.error.kind, 'bad_request');
      assert.match(refused.error.message, /"Could not assume provided IAM role\..*Check batch\.roleArn "arn:aws:iam::123456789012:role\/NotTrusted": the role must trust bedrock\.amazonaws\.com/);
      emulator.batch.knobs.passRoleDenied = true;
      const denied = await adapter.submit(call(), itemsFor(100), 'job');
      assert.ok(!denied.ok);
      assert.equal(denied.error.kind, 'permission');
      assert.match(denied.error.message, /may not pass batch\.roleArn .* Allow it iam:PassRole/);
    });

    it('a Bedrock API key cannot write to S3: named, nothing sent; a wrong secret fails S3\'s signature check', async () => {
      const bearer = await adapter.submit(call(deployment(), { type: 'bearer', token: KEYS.bedrockApiKey, source: 'test' }), itemsFor(100), 'job');
      assert.ok(!bearer.ok);
      assert.equal(bearer.error.kind, 'auth');
      assert.match(bearer.error.message, /takes AWS credentials \(a profile, SSO or AWS keys\), not a Bedrock API key: unset AWS_BEARER_TOKEN_BEDROCK/);
      assert.equal(emulator.server.requests.length, 0);
      const wrong = await adapter.submit(call(deployment(), { type: 'aws', accessKeyId: KEYS.aws.accessKeyId, secretAccessKey: 'not-the-secret', source: 'test' }), itemsFor(100), 'job');
      assert.ok(!wrong.ok);
      // S3 answers a HEAD with a bare 403: the error says to check the credential as well as the bucket's policy
      assert.equal(wrong.error.kind, 'permission');
      assert.match(wrong.error.message, /Check that the AWS credential is valid/);
      assert.doesNotMatch(wrong.error.message, /not-the-secret/);
      assert.deepEqual(uploads(), []);
    });
  });
});

describe('Bedrock batch: the build', () => {
  it('the batch adapter is its own lazy chunk; S3 and the control plane sit once, in the shared Bedrock SDK chunk, never in the CLI or the extension', () => {
    const root = join(__dirname, '..', '..', '..');
    const meta = JSON.parse(readFileSync(join(root, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const holders = (pattern: RegExp): string[] => Object.entries(meta.outputs).filter(([output, info]) => output.endsWith('.js') && Object.keys(info.inputs).some((input) => pattern.test(input))).map(([output]) => output).sort();
    assert.deepEqual(holders(/src\/providers\/bedrock\/batch\.ts$/), ['dist/providers/bedrock-batch.js']);
    assert.deepEqual(holders(/node_modules\/@aws-sdk\/client-s3\//), ['dist/providers/bedrock-sdk.js']);
    assert.deepEqual(holders(/node_modules\/@aws-sdk\/client-bedrock\//), ['dist/providers/bedrock-sdk.js']);
    const batchInputs = Object.keys(meta.outputs['dist/providers/bedrock-batch.js']!.inputs);
    assert.deepEqual(batchInputs.filter((input) => /node_modules\/(@aws-sdk|@smithy|zod)\//.test(input)), [], 'no SDK (and no config schema) inside the batch chunk');
    // it loads the SDK chunk at run time, and the CLI loads the batch chunk only when asked
    assert.match(readFileSync(join(root, 'dist/providers/bedrock-batch.js'), 'utf8'), /require\("\.\/bedrock-sdk\.js"\)/);
    assert.match(readFileSync(join(root, 'dist/cli.js'), 'utf8'), /require\("\.\/providers\/bedrock-batch\.js"\)/);
  });
});
