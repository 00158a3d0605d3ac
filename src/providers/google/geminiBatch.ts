/**
 * The Gemini API's batch mode: the items as a JSONL file (`{"key", "request"}` lines) uploaded through the Files API,
 * `batches.create` on it, and the answers read back from the job's responses file (`{"key", "response" | "error"}`
 * lines) downloaded through the SDK, or from inlined responses. An input file may be up to 2 GB
 * (ai.google.dev/gemini-api/docs/batch-api, "Input file"); no count of requests is documented beside it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchAdapter, BatchCall, BatchJobRef, BatchOutcome } from '../../core/batch/batchAdapter';
import { proxyFor } from '../../core/engine/network';
import { providerError, type ProviderError } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import { inputOf, jsonl, safeName, withSaid } from './batchInput';
import { outcomeOfResponse, outcomeOfStatus, type LineStatus } from './batchOutcome';
import { cancelJob, jobStatus } from './batchJobCalls';
import { googleClient } from './client';
import type { GeminiDeployment } from './descriptor';
import { geminiOrigin } from './endpoint';
import { toProviderError } from './errors';
import type { ResponseFields } from './responseParts';

const SERVICE = 'Gemini Batch API';
const GB = 1024 ** 3;

async function clientFor(call: BatchCall<GeminiDeployment>) {
  const origin = geminiOrigin(call.deployment.baseUrl);
  const client = googleClient(call.deployment, call.credential, await transportFetch(call.transport.network, origin));
  const fail = (cause: unknown): ProviderError => toProviderError(cause, SERVICE, call.deployment.id, origin, null, proxyFor(origin, call.transport.network));
  return { client, fail };
}

export const geminiBatch: BatchAdapter<GeminiDeployment> = {
  limits: { maxItems: Number.MAX_SAFE_INTEGER, maxBytes: 2 * GB, minItems: 1 },

  async submit(call, items, jobName) {
    const { client, fail } = await clientFor(call);
    if (!client.ok) return client;
    const { deployment, signal } = call;
    const input = inputOf(items, deployment.model, signal);
    const file = jsonl(items.map((item, index) => ({ key: item.customId, request: input.bodies[index] })));
    if (file.bytes > geminiBatch.limits.maxBytes) {
      return { ok: false, error: providerError('bad_request', `The batch file for "${deployment.id}" is ${(file.bytes / GB).toFixed(2)} GB; the Gemini Batch API takes at most 2 GB a file. Send fewer cases in one job.`, { retryable: false }) };
    }
    try {
      const uploaded = await client.ai.files.upload({ file: new Blob([file.text], { type: 'application/jsonl' }), config: { displayName: safeName(jobName), mimeType: 'application/jsonl', abortSignal: signal } });
      if (!uploaded.name) return { ok: false, error: providerError('server', `The Gemini Files API gave no name for the uploaded batch file of "${deployment.id}". Retry.`) };
      const job = await client.ai.batches.create({ model: deployment.model, src: uploaded.name, config: { displayName: safeName(jobName), abortSignal: signal } });
      if (!job.name) return { ok: false, error: providerError('server', `The Gemini Batch API gave no job name for "${deployment.id}". Retry.`) };
      return { ok: true, job: { id: job.name, data: { inputFile: uploaded.name, said: input.said } } };
    } catch (cause) {
      return { ok: false, error: fail(cause) };
    }
  },

  async status(call, job) {
    const { client, fail } = await clientFor(call);
    const found = await jobStatus(client, fail, job, call.signal, SERVICE);
    // the Gemini API keeps no results for an expired job (ai.google.dev/gemini-api/docs/batch-api, "Monitoring job status")
    if (!found.ok || found.status.state !== 'expired') return found;
    return { ok: true, status: { ...found.status, message: `${SERVICE} expired the job after 48 hours and keeps no results of it. Submit it again, or in smaller jobs.` } };
  },

  async fetch(call, job) {
    const { client, fail } = await clientFor(call);
    if (!client.ok) return client;
    try {
      const found = await client.ai.batches.get({ name: job.id, config: { abortSignal: call.signal } });
      const outcomes: BatchOutcome[] = [];
      for (const [index, inline] of (found.dest?.inlinedResponses ?? []).entries()) {
        const key = (inline.metadata as { key?: string } | undefined)?.key ?? String(index);
        if (inline.response) outcomes.push(outcomeOfResponse(key, inline.response, SERVICE, call.deployment.id));
        else if (inline.error) outcomes.push(outcomeOfStatus(key, inline.error as LineStatus, SERVICE, call.deployment.id));
      }
      if (found.dest?.fileName) outcomes.push(...linesOf(await download(client.ai, found.dest.fileName, call.signal), call.deployment.id));
      return { ok: true, outcomes: withSaid(outcomes, job.data.said) };
    } catch (cause) {
      return { ok: false, error: fail(cause) };
    }
  },

  async cancel(call, job: BatchJobRef) {
    const { client, fail } = await clientFor(call);
    return cancelJob(client, fail, job, call.signal);
  },
};

type GenAI = Extract<ReturnType<typeof googleClient>, { ok: true }>['ai'];

/** The SDK downloads to a path only (Node): a private temporary folder, read and removed at once. */
async function download(ai: GenAI, fileName: string, signal: AbortSignal): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fanout-batch-'));
  try {
    const path = join(folder, 'responses.jsonl');
    await ai.files.download({ file: fileName, downloadPath: path, config: { abortSignal: signal } });
    return await readFile(path, 'utf8');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function linesOf(text: string, deploymentId: string): BatchOutcome[] {
  const outcomes: BatchOutcome[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as { key?: string; response?: ResponseFields; error?: LineStatus; status?: LineStatus };
    if (typeof parsed.key !== 'string') continue;
    if (parsed.response) outcomes.push(outcomeOfResponse(parsed.key, parsed.response, SERVICE, deploymentId));
    else outcomes.push(outcomeOfStatus(parsed.key, parsed.error ?? parsed.status ?? { message: 'no response and no error on this line' }, SERVICE, deploymentId));
  }
  return outcomes;
}
