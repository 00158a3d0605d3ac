/**
 * What the Google batch tests share: a Google emulator whose batch control planes run on a clock the test moves, the
 * two deployments pointed at it, a bucket, and a loop that follows a job to its end by moving that clock.
 */
import * as assert from 'node:assert/strict';
import type { BatchAdapter, BatchCall, BatchItem, BatchJobRef, BatchOutcome, BatchStatus } from '../../src/core/batch/batchAdapter';
import { FINAL_BATCH_STATES } from '../../src/core/batch/batchAdapter';
import type { ChatRequest } from '../../src/core/request/chatRequest';
import type { StreamPart } from '../../src/core/request/stream';
import { geminiProvider, vertexProvider, type GeminiDeployment, type VertexDeployment } from '../../src/providers/google/descriptor';
import { GoogleEmulator } from '../emulators/google';

export const GEMINI_KEY = 'test-gemini-key-batch';
export const VERTEX_TOKEN = 'test-vertex-token-batch';
export const BUCKET = 'fanout-batch-test';

export interface GoogleBatchRig {
  emulator: GoogleEmulator;
  clock: { now: number };
  gemini: GeminiDeployment;
  vertex: VertexDeployment;
  stop(): Promise<void>;
}

export async function startGoogleBatch(): Promise<GoogleBatchRig> {
  const clock = { now: Date.parse('2026-11-27T05:00:00Z') };
  const emulator = await new GoogleEmulator({ apiKeys: [GEMINI_KEY], vertexTokens: [VERTEX_TOKEN], clock: () => clock.now }).start();
  emulator.storage.createBucket(BUCKET);
  return {
    emulator,
    clock,
    gemini: { id: 'gemini-batch', provider: 'gemini', model: 'gemini-2.5-flash', baseUrl: emulator.url },
    vertex: { id: 'vertex-batch', provider: 'vertex', model: 'gemini-2.5-flash', project: 'fanout-test-1', location: 'us-central1', endpoint: emulator.url, batch: { gcsUri: `gs://${BUCKET}/evals`, storageEndpoint: emulator.url } },
    stop: () => emulator.stop(),
  };
}

export function callFor<D extends GeminiDeployment | VertexDeployment>(deployment: D, signal = new AbortController().signal): BatchCall<D> {
  const credential = deployment.provider === 'vertex' ? { type: 'bearer' as const, token: VERTEX_TOKEN, source: 'test' } : { type: 'api-key' as const, key: GEMINI_KEY, source: 'test' };
  return { deployment, credential, transport: {}, signal };
}

export const adapterFor = async <D extends GeminiDeployment | VertexDeployment>(deployment: D): Promise<BatchAdapter<D>> =>
  (deployment.provider === 'vertex' ? await vertexProvider.batch!.adapter() : await geminiProvider.batch!.adapter()) as unknown as BatchAdapter<D>;

export const casePrompt = (index: number): ChatRequest => ({ system: 'Be brief.', messages: [{ role: 'user', content: `Case ${index}: say hello.` }], params: { maxTokens: 64, temperature: 0.2 } });

export const itemsOf = (count: number, request: (index: number) => ChatRequest = casePrompt, deploymentId = 'd'): BatchItem[] =>
  Array.from({ length: count }, (_, index) => ({ customId: `tests.yaml/${index}/0/${deploymentId}`, request: request(index) }));

/** Polls the job, moving the clock `stepMs` after each look, until it reaches a final state; every state seen, in order. */
export async function follow<D>(adapter: BatchAdapter<D>, call: BatchCall<D>, job: BatchJobRef, clock: { now: number }, stepMs: number): Promise<BatchStatus[]> {
  const seen: BatchStatus[] = [];
  for (let look = 0; look < 50; look++) {
    const result = await adapter.status(call, job);
    assert.ok(result.ok, JSON.stringify(result));
    seen.push(result.status);
    if (FINAL_BATCH_STATES.includes(result.status.state)) return seen;
    clock.now += stepMs;
  }
  throw new Error(`the job never finished: ${JSON.stringify(seen.map((status) => status.rawState))}`);
}

export function partsOf(outcome: BatchOutcome | undefined): Array<Exclude<StreamPart, { type: 'error' }>> {
  assert.ok(outcome && 'parts' in outcome, `expected an answer, got ${JSON.stringify(outcome)}`);
  return outcome.parts;
}

export const textOf = (outcome: BatchOutcome | undefined): string => partsOf(outcome).map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
