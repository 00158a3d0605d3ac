/**
 * The batch core's parts: splitting by a cloud's limits, job lines in the results file, the chat-completions batch
 * wire (tools, JSON schema and reasoning carried into the lines; output, error and never-run lines read back), and
 * following a job on the injected clock against the OpenAI batch emulator.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchItem } from '../../src/core/batch/batchAdapter';
import { DEFAULT_POLL_MS, followJobs } from '../../src/core/batch/batchFollow';
import type { BatchHost } from '../../src/core/batch/batchHost';
import type { BatchJobLine, BatchJobState } from '../../src/core/batch/batchJobLine';
import { estimatedBytes, splitItems } from '../../src/core/batch/batchSplit';
import { readResults } from '../../src/core/evaluation/resultsFile';
import type { ChatRequest } from '../../src/core/request/chatRequest';
import { inputLine, outcomesOf, type BatchWire } from '../../src/providers/openai/batchLines';
import { openaiBatchAdapter } from '../../src/providers/openai/batch';
import { VirtualClock } from '../support/virtualClock';
import { KEYS, credentialFor, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

const item = (index: number, text = 'Hi'): BatchItem => ({ customId: `${index}/0/1/d`, request: { messages: [{ role: 'user', content: text }], params: {} } });

describe('batch core', () => {
  describe('splitting by a cloud\'s limits', () => {
    it('by count, and a last job below the minimum borrows from the one before', () => {
      const split = splitItems(Array.from({ length: 9 }, (_, index) => item(index)), { maxItems: 4, maxBytes: 1e9, minItems: 2 }, 'Cloud');
      assert.ok(split.ok);
      assert.deepEqual(split.jobs.map((job) => job.length), [4, 3, 2]);
      assert.deepEqual(split.jobs.flat().map((one) => one.customId), Array.from({ length: 9 }, (_, index) => `${index}/0/1/d`));
    });

    it('by bytes', () => {
      const items = Array.from({ length: 10 }, (_, index) => item(index, 'x'.repeat(1000)));
      const split = splitItems(items, { maxItems: 50_000, maxBytes: estimatedBytes(items[0]!) * 3, minItems: 1 }, 'Cloud');
      assert.ok(split.ok);
      assert.deepEqual(split.jobs.map((job) => job.length), [3, 3, 3, 1]);
    });

    it('refuses, before anything is uploaded, fewer items than the cloud takes, or one item over its file size, naming the fix', () => {
      const few = splitItems([item(0)], { maxItems: 50_000, maxBytes: 1e9, minItems: 100 }, 'Bedrock batch inference');
      assert.ok(!few.ok && /Bedrock batch inference takes at least 100 requests in a job and this deployment has 1 — add tests or --repeat, or run it without --batch/.test(few.reason));
      const big = splitItems([item(0, 'x'.repeat(5000))], { maxItems: 10, maxBytes: 1000, minItems: 1 }, 'Cloud');
      assert.ok(!big.ok && /case 0\/0\/1\/d alone is larger than Cloud's 1000 bytes a file/.test(big.reason));
    });
  });

  it('the results file: job lines are neither cases nor corrupt; the latest value of each field wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-batchcore-'));
    const file = join(dir, 'results.jsonl');
    const submitted: BatchJobLine = { batchJob: 'batch_1', deployment: 'd', ref: { id: 'batch_1', data: { inputFileId: 'file-1' } }, keys: ['0/0/1/d', '1/0/1/d'], submittedAt: '2026-01-01T00:00:00Z', status: null, fetched: false, config: '/c.json', tests: '/t.yaml', repeat: 1 };
    const running: BatchJobLine = { batchJob: 'batch_1', deployment: 'd', status: { state: 'running', rawState: 'in_progress', total: 2, succeeded: 1, failed: 0, message: null } };
    const caseLine = { key: '0/0/1/d', test: 't', vars: {}, deployment: 'd', repeat: 1, status: 'ok', text: 'a', pass: true, assertions: [], metrics: {}, error: null };
    writeFileSync(file, [submitted, caseLine, running, { batchJob: 'batch_1', deployment: 'd', fetched: true, missing: ['1/0/1/d'] }].map((line) => JSON.stringify(line)).join('\n') + '\n{"torn');
    const read = await readResults(file);
    assert.equal(read.skipped, 1, 'only the torn line');
    assert.equal(read.lines.length, 1);
    assert.equal(read.jobs.length, 1);
    const job = read.jobs[0]!;
    assert.deepEqual([job.status?.state, job.fetched, job.missing, job.keys.length, job.ref.data.inputFileId], ['running', true, ['1/0/1/d'], 2, 'file-1']);
  });

  describe('the chat-completions batch wire', () => {
    const wire: BatchWire = { model: 'batch-gpt4o', url: '/chat/completions', service: 'Azure OpenAI Batch', deploymentId: 'az', dialect: { maxTokensField: 'max_completion_tokens', jsonSchema: 'strict-only', knownModels: true, baseModel: 'o4-mini' } };

    it('each line is the streaming converter\'s body, not streamed: tools, tool choice, JSON schema and reasoning carried over', () => {
      const request: ChatRequest = {
        system: 'Be brief.', messages: [{ role: 'user', content: 'Weather?' }], params: { maxTokens: 100 },
        tools: [{ name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } }], toolChoice: { name: 'weather' },
        responseFormat: { name: 'answer', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
        reasoning: { effort: 'low' },
      };
      const line = JSON.parse(inputLine({ customId: '3/0/1/az', request }, wire)) as { custom_id: string; method: string; url: string; body: Record<string, unknown> };
      assert.deepEqual([line.custom_id, line.method, line.url], ['3/0/1/az', 'POST', '/chat/completions']);
      const body = line.body;
      assert.equal(body.model, 'batch-gpt4o', 'Azure: the batch deployment on every line');
      assert.equal(body.stream, undefined);
      assert.equal(body.stream_options, undefined);
      assert.equal(body.max_completion_tokens, 100);
      assert.equal(body.reasoning_effort, 'low');
      assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'weather' } });
      assert.equal((body.tools as Array<{ function: { name: string } }>)[0]!.function.name, 'weather');
      assert.deepEqual((body.response_format as { type: string; json_schema: { strict: boolean } }).type, 'json_schema');
      assert.equal((body.response_format as { json_schema: { strict: boolean } }).json_schema.strict, true);
      assert.deepEqual((body.messages as Array<{ role: string }>).map((message) => message.role), ['system', 'user']);
    });

    it('reads answers (text, tool calls, usage, finish), error lines as errors, and never-run lines as no outcome', () => {
      const completion = (message: Record<string, unknown>, finish: string) => ({ id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-2024-08-06', choices: [{ index: 0, message, finish_reason: finish }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, completion_tokens_details: { reasoning_tokens: 2 } } });
      const text = [
        { id: 'r1', custom_id: 'a', response: { status_code: 200, request_id: 'req-1', body: completion({ role: 'assistant', content: 'Paris' }, 'stop') }, error: null },
        { id: 'r2', custom_id: 'b', response: { status_code: 200, request_id: 'req-2', body: completion({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Lima"}' } }] }, 'tool_calls') }, error: null },
        { id: 'r3', custom_id: 'c', response: { status_code: 429, request_id: 'req-3', body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } }, error: null },
        { id: 'r4', custom_id: 'd', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } },
        { id: 'r5', custom_id: 'e', response: { status_code: 200, request_id: 'req-5', body: completion({ role: 'assistant', content: '' }, 'content_filter') }, error: null },
      ].map((line) => JSON.stringify(line)).join('\n');
      const outcomes = outcomesOf(`${text}\nnot json\n`, wire);
      assert.deepEqual(outcomes.map((outcome) => outcome.customId), ['a', 'b', 'c', 'e']);
      const [a, b, c, e] = outcomes;
      assert.ok(a && 'parts' in a && b && 'parts' in b && c && 'error' in c && e && 'error' in e);
      assert.deepEqual(a.parts.filter((part) => part.type === 'text-delta'), [{ type: 'text-delta', text: 'Paris' }]);
      assert.deepEqual(a.parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 } });
      assert.deepEqual(b.parts.find((part) => part.type === 'tool-call'), { type: 'tool-call', id: 'call_1', name: 'weather', arguments: { city: 'Lima' } });
      assert.equal((b.parts.find((part) => part.type === 'finish') as { reason: string }).reason, 'tool_calls');
      assert.equal(c.error.kind, 'rate_limit');
      assert.match(c.error.message, /Azure OpenAI Batch \(deployment "az"\) is rate limiting \(429\)/);
      assert.equal(e.error.kind, 'content_filter');
    });
  });

  describe('against the OpenAI and Azure batch emulator', () => {
    let emulators: Emulators;
    before(async () => {
      emulators = await startEmulators();
    });
    after(() => emulators.stop());

    it('the emulator answers files and batches as Azure does: api-version and api-key checked, nothing under /openai/deployments/…', async () => {
      emulators.reset();
      const url = emulators.openai.url;
      const noVersion = await fetch(`${url}/openai/batches`, { method: 'POST', headers: { 'api-key': KEYS.azure, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(noVersion.status, 400);
      assert.equal(((await noVersion.json()) as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
      const badKey = await fetch(`${url}/openai/batches/batch_x?api-version=2024-10-21`, { headers: { 'api-key': 'wrong-key' } });
      assert.equal(badKey.status, 401);
      // an AzureOpenAI client built with a deployment sends batches.create under /openai/deployments/NAME/ (shared/notes/wire.md): no such route
      const { AzureOpenAI } = await import('openai');
      const wrong = new AzureOpenAI({ endpoint: url, apiVersion: '2024-10-21', apiKey: KEYS.azure, deployment: 'batch-gpt4o', maxRetries: 0 });
      await assert.rejects(wrong.batches.create({ input_file_id: 'file-x', endpoint: '/chat/completions' as '/v1/chat/completions', completion_window: '24h' }), (error: Error & { status?: number }) => error.status === 404);
      assert.ok(emulators.openai.server.requests.at(-1)!.path.startsWith('/openai/deployments/batch-gpt4o/batches'));
      // the adapter's client has none: a wrong key comes back as an auth error value, named, never thrown
      const azure = { ...deploymentsFor(emulators).azure, batch: { deployment: 'batch-gpt4o' } };
      const { azureOpenAIBatchAdapter } = await import('../../src/providers/azure-openai/batch');
      const refused = await azureOpenAIBatchAdapter.submit({ deployment: azure, credential: { type: 'api-key', key: 'wrong-key', source: 'test' }, transport: {}, signal: new AbortController().signal }, [item(0)], 'bad-key');
      assert.ok(!refused.ok && refused.error.kind === 'auth', JSON.stringify(refused));
      assert.match(refused.error.message, /Azure OpenAI Batch \(deployment "azure-gpt4o"\) rejected the credential \(401\)/);
      assert.ok(!refused.error.message.includes('wrong-key'));
    });

    it(`asks for the state every --poll-ms (default ${DEFAULT_POLL_MS} ms) of the host's clock, and stops when told`, async () => {
      emulators.reset();
      // a job that stays validating for an hour of real time: only the virtual clock moves
      emulators.openai.batches.knobs = { validatingMs: 3_600_000, inProgressMs: 1, finalizingMs: 1, cancellingMs: 1 };
      const deployment = deploymentsFor(emulators).openai;
      const clock = new VirtualClock();
      const stop = new AbortController();
      const call = { deployment, credential: credentialFor(deployment), transport: {}, signal: stop.signal };
      const submitted = await openaiBatchAdapter.submit(call, [item(0)], 'poll-test');
      assert.ok(submitted.ok);
      const job: BatchJobState = { batchJob: submitted.job.id, deployment: deployment.id, ref: submitted.job, keys: ['0/0/1/d'], submittedAt: 'now', status: null };
      const written: unknown[] = [];
      const host: BatchHost = { credentials: testCredentials(), transport: {}, clock, signal: stop.signal, write: (line) => written.push(line) };
      const retrieves = (): number => emulators.openai.server.requests.filter((request) => request.method === 'GET' && request.path === `/v1/batches/${job.batchJob}`).length;
      const until = async (count: number): Promise<void> => {
        for (let waited = 0; retrieves() < count || clock.pending === 0; waited += 5) {
          assert.ok(waited < 30_000, `poll ${count} arrived`);
          await new Promise((done) => setTimeout(done, 5));
        }
      };
      const following = followJobs([job], new Map([[deployment.id, deployment]]), host);
      await until(1);
      await clock.advance(DEFAULT_POLL_MS - 1);
      assert.equal(retrieves(), 1, 'not before the poll interval');
      await clock.advance(1);
      await until(2);
      assert.equal(retrieves(), 2);
      stop.abort();
      assert.equal(await following, false);
      assert.equal(job.status?.rawState, 'validating');
      assert.equal(written.length, 1, 'a job line for the first state only (it did not change)');
      assert.ok(!JSON.stringify(written).includes(KEYS.openai));
    });
  });
});
