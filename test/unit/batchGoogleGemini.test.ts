/** The Gemini Batch API adapter through @google/genai against the emulated Files API and batches. */
import * as assert from 'node:assert/strict';
import type { BatchOutcome } from '../../src/core/batch/batchAdapter';
import { geminiProvider } from '../../src/providers/google/descriptor';
import { adapterFor, callFor, follow, itemsOf, partsOf, startGoogleBatch, textOf, type GoogleBatchRig } from '../support/googleBatch';

describe('batch: Gemini API (files + batches through @google/genai)', function () {
  this.timeout(120_000);
  let rig: GoogleBatchRig;
  before(async () => {
    rig = await startGoogleBatch();
  });
  after(() => rig.stop());
  beforeEach(() => {
    rig.emulator.geminiBatch.knobs = { pendingMs: 60_000, runningMs: 600_000 };
    rig.emulator.server.requests.length = 0;
  });

  it('20,000 cases: one uploaded JSONL file, the job followed from pending to succeeded, every answer back with its text, usage and finish', async () => {
    const adapter = await adapterFor(rig.gemini);
    const call = callFor(rig.gemini);
    const items = itemsOf(20_000, undefined, rig.gemini.id);
    const submitted = await adapter.submit(call, items, 'eval-20k');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    assert.match(submitted.job.id, /^batches\/[0-9a-f]+$/);
    // the resumable upload: a start, then the bytes with "upload, finalize"; then one batchGenerateContent on the file
    const paths = rig.emulator.server.requests.map((request) => `${request.method} ${request.path.replace(/\?.*$/, '')}`);
    assert.equal(paths.length, 3, paths.join(', '));
    assert.match(paths.join(', '), /^POST \/upload\/(v1|v1beta)\/files, POST \/upload\/\1\/files, POST \/\1\/models\/gemini-2\.5-flash:batchGenerateContent$/);
    assert.deepEqual(rig.emulator.server.requests.map((request) => request.headers['x-goog-upload-command'] ?? null), ['start', 'upload, finalize', null]);
    const file = rig.emulator.geminiBatch.files.get(submitted.job.data.inputFile!)!;
    const lines = file.data.toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 20_000);
    assert.deepEqual(lines[7], { key: items[7]!.customId, request: { contents: [{ role: 'user', parts: [{ text: 'Case 7: say hello.' }] }], systemInstruction: { role: 'user', parts: [{ text: 'Be brief.' }] }, generationConfig: { temperature: 0.2, maxOutputTokens: 64 } } });

    const seen = await follow(adapter, call, submitted.job, rig.clock, 120_000);
    assert.deepEqual([...new Set(seen.map((status) => status.rawState))], ['JOB_STATE_PENDING', 'JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED']);
    assert.deepEqual([...new Set(seen.map((status) => status.state))], ['queued', 'running', 'completed']);

    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok, JSON.stringify(fetched));
    assert.equal(fetched.outcomes.length, 20_000);
    const byId = new Map(fetched.outcomes.map((outcome) => [outcome.customId, outcome]));
    assert.deepEqual([...byId.keys()].sort(), items.map((item) => item.customId).sort());
    const parts = partsOf(byId.get(items[12_345]!.customId));
    assert.equal(textOf(byId.get(items[12_345]!.customId)), '[gemini-2.5-flash] Fanout streams one prompt to every cloud and compares the answers');
    assert.deepEqual(parts.find((part) => part.type === 'usage'), { type: 'usage', usage: { inputTokens: 8, outputTokens: 12 } });
    assert.deepEqual(parts.map((part) => part.type), ['response-metadata', 'text-delta', 'usage', 'finish']);
    const finish = parts.at(-1);
    assert.ok(finish?.type === 'finish' && finish.reason === 'stop' && finish.rawReason === 'STOP' && finish.model === 'gemini-2.5-flash', JSON.stringify(finish));
  });

  it('tools, a JSON schema and reasoning carry over; failed lines come back per case as ProviderErrors of their kind', async () => {
    rig.emulator.geminiBatch.knobs = { failEvery: 4, lineError: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' }, runningMs: 1000 };
    const adapter = await adapterFor(rig.gemini);
    const call = callFor(rig.gemini);
    const weather = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    const items = [
      { customId: 'tool', request: { messages: [{ role: 'user' as const, content: 'Weather in Paris?' }], params: {}, tools: [weather], toolChoice: 'required' as const } },
      { customId: 'json', request: { messages: [{ role: 'user' as const, content: 'A city.' }], params: {}, responseFormat: { name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } },
      { customId: 'think', request: { messages: [{ role: 'user' as const, content: 'Think first.' }], params: {}, reasoning: { effort: 'low' as const } } },
      { customId: 'fourth-fails', request: { messages: [{ role: 'user' as const, content: 'Hi.' }], params: {} } },
      // a thinking level on a 2.5 model is what the real API refuses: the line's own 400
      { customId: 'refused', request: { messages: [{ role: 'user' as const, content: 'Hi.' }], params: {} } },
    ];
    const submitted = await adapter.submit(call, items, 'features');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const file = rig.emulator.geminiBatch.files.get(submitted.job.data.inputFile!)!;
    const lines = file.data.toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    // the fifth line becomes one the API refuses (a thinking level on a 2.5 model), as the job read it
    rig.emulator.geminiBatch.jobs.get(submitted.job.id.replace('batches/', ''))!.requests[4]!.request.generationConfig = { thinkingConfig: { thinkingLevel: 'HIGH' } };
    await follow(adapter, call, submitted.job, rig.clock, 1000);
    const fetched = await adapter.fetch(call, submitted.job);
    assert.ok(fetched.ok, JSON.stringify(fetched));
    const byId = new Map<string, BatchOutcome>(fetched.outcomes.map((outcome) => [outcome.customId, outcome]));
    const tool = partsOf(byId.get('tool'));
    assert.deepEqual(tool.find((part) => part.type === 'tool-call'), { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } });
    assert.equal(tool.at(-1)?.type === 'finish' && tool.at(-1)!.type === 'finish' ? (tool.at(-1) as { reason: string }).reason : null, 'tool_calls');
    assert.deepEqual(JSON.parse(textOf(byId.get('json'))), { city: 'Paris' });
    // what a streamed run says before sending comes with each answer too: how it asked for JSON
    assert.deepEqual(partsOf(byId.get('json'))[0], { type: 'structured-output', mode: 'native' });
    assert.equal(tool.some((part) => part.type === 'structured-output' || part.type === 'warning'), false);
    assert.equal(lines[1].request.generationConfig.responseMimeType, 'application/json');
    const think = partsOf(byId.get('think'));
    assert.match(think.find((part) => part.type === 'reasoning-delta')?.type === 'reasoning-delta' ? (think.find((part) => part.type === 'reasoning-delta') as { text: string }).text : '', /Thinking about the question/);
    assert.ok((think.find((part) => part.type === 'usage') as { usage: { reasoningTokens?: number } }).usage.reasoningTokens! > 0);
    const failed = byId.get('fourth-fails');
    assert.ok(failed && 'error' in failed, JSON.stringify(failed));
    assert.equal(failed.error.kind, 'rate_limit');
    assert.equal(failed.error.status, 429);
    const refused = byId.get('refused');
    assert.ok(refused && 'error' in refused, JSON.stringify(refused));
    assert.equal(refused.error.kind, 'bad_request');
    assert.match(refused.error.message, /Gemini Batch API \(deployment "gemini-batch"\) rejected the request \(400\).*Thinking level is not supported/);
  });

  it('a cancel: cancelled, and the Gemini API keeps no answers of it; an expired job says so with what to do', async () => {
    const adapter = await adapterFor(rig.gemini);
    const call = callFor(rig.gemini);
    const submitted = await adapter.submit(call, itemsOf(100), 'to-cancel');
    assert.ok(submitted.ok, JSON.stringify(submitted));
    rig.clock.now += 120_000;
    const running = await adapter.status(call, submitted.job);
    assert.ok(running.ok && running.status.state === 'running', JSON.stringify(running));
    assert.deepEqual(await adapter.cancel(call, submitted.job), { ok: true });
    const cancelled = await adapter.status(call, submitted.job);
    assert.ok(cancelled.ok && cancelled.status.state === 'cancelled' && cancelled.status.rawState === 'JOB_STATE_CANCELLED', JSON.stringify(cancelled));
    const fetched = await adapter.fetch(call, submitted.job);
    assert.deepEqual(fetched, { ok: true, outcomes: [] });

    rig.emulator.geminiBatch.knobs = { runningMs: 1000, expireAt: 0.5 };
    const expiring = await adapter.submit(call, itemsOf(10), 'to-expire');
    assert.ok(expiring.ok);
    const seen = await follow(adapter, call, expiring.job, rig.clock, 1000);
    const last = seen.at(-1)!;
    assert.equal(last.state, 'expired');
    assert.match(last.message ?? '', /keeps no results of it\. Submit it again, or in smaller jobs\./);
  });

  it('a bad key is auth before anything is uploaded; the descriptor: no extra field needed, half price', async () => {
    const adapter = await adapterFor(rig.gemini);
    const result = await adapter.submit({ ...callFor(rig.gemini), credential: { type: 'api-key', key: 'wrong', source: 'test' } }, itemsOf(3), 'bad-key');
    assert.ok(!result.ok && result.error.kind === 'auth', JSON.stringify(result));
    assert.equal(rig.emulator.geminiBatch.files.size > 0 && [...rig.emulator.geminiBatch.files.values()].some((file) => file.displayName === 'bad-key'), false);
    assert.equal(geminiProvider.batch!.problem(rig.gemini), null);
    assert.equal(geminiProvider.batch!.priceFactor, 0.5);
    assert.equal(adapter.limits.maxBytes, 2 * 1024 ** 3);
  });
});
