/**
 * Vertex AI batch inference: the items as JSONL (`{"request"}` lines, the case key in the request's labels) uploaded
 * to the deployment's `batch.gcsUri`, `batches.create` with that file and an output folder beside it, and the answers
 * read back from the job's `predictions*.jsonl` (each line the request echoed, with `response` or a failed `status`,
 * in any order). The bucket is checked before anything is uploaded. Limits: "a batch job can include up to 200,000
 * requests" and a Cloud Storage input file "up to 1 GB" (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/
 * batch-prediction-gemini, "Quotas and limits").
 */
import type { BatchAdapter, BatchCall, BatchOutcome } from '../../core/batch/batchAdapter';
import { proxyFor } from '../../core/engine/network';
import { providerError, type ProviderError } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import { inputOf, jsonl, safeName, withSaid } from './batchInput';
import { keyFromLabels, keyLabels } from './batchKey';
import { outcomeOfResponse, outcomeOfStatus, parseVertexStatus } from './batchOutcome';
import { cancelJob, jobStatus } from './batchJobCalls';
import { bearerClient, googleClient } from './client';
import { CloudStorage, parseGcsUri, STORAGE_ROOT } from './cloudStorage';
import type { VertexDeployment } from './descriptor';
import { vertexOrigin } from './endpoint';
import { toProviderError } from './errors';
import type { ResponseFields } from './responseParts';

const SERVICE = 'Vertex AI batch inference';
const GB = 1000 ** 3;

/** The genai client for the job calls, and how its failures read. */
async function clientFor(call: BatchCall<VertexDeployment>) {
  const { deployment, credential, transport } = call;
  const origin = vertexOrigin(deployment.location, deployment.endpoint);
  const client = googleClient(deployment, credential, await transportFetch(transport.network, origin));
  const fail = (cause: unknown): ProviderError => toProviderError(cause, SERVICE, deployment.id, origin, null, proxyFor(origin, transport.network));
  return { client, fail };
}

/** Plus Cloud Storage, for the calls that read or write the bucket (submit and fetch; status and cancel do not). */
async function clientsFor(call: BatchCall<VertexDeployment>) {
  const { deployment, credential, transport, signal } = call;
  const storageRoot = (deployment.batch?.storageEndpoint ?? STORAGE_ROOT).replace(/\/+$/, '');
  const storage = credential.type === 'bearer'
    ? new CloudStorage(bearerClient(credential.token), storageRoot, await transportFetch(transport.network, storageRoot), signal, `batch.gcsUri of deployment "${deployment.id}"`)
    : null;
  return { ...(await clientFor(call)), storage };
}

export const vertexBatch: BatchAdapter<VertexDeployment> = {
  limits: { maxItems: 200_000, maxBytes: GB, minItems: 1 },

  async submit(call, items, jobName) {
    const { deployment, signal } = call;
    if (!deployment.batch) return { ok: false, error: providerError('bad_request', `Vertex AI deployment "${deployment.id}" has no Cloud Storage location for batch files: add "batch": {"gcsUri": "gs://YOUR_BUCKET/fanout"} to it.`, { retryable: false }) };
    const { client, fail, storage } = await clientsFor(call);
    if (!client.ok) return client;
    const { bucket, prefix } = parseGcsUri(deployment.batch.gcsUri);
    const input = inputOf(items, deployment.model, signal);
    const file = jsonl(items.map((item, index) => ({ request: { ...input.bodies[index], labels: keyLabels(item.customId) } })));
    if (file.bytes > vertexBatch.limits.maxBytes) {
      return { ok: false, error: providerError('bad_request', `The batch file for "${deployment.id}" is ${(file.bytes / GB).toFixed(2)} GB; Vertex AI batch inference takes at most 1 GB a file. Send fewer cases in one job.`, { retryable: false }) };
    }
    // the bucket before the upload: a wrong or unreadable bucket is named before anything is uploaded
    const reachable = await storage!.list(bucket, prefix, 1);
    if (!reachable.ok) return reachable;
    const folder = [prefix, `${safeName(jobName)}-${Date.now().toString(36)}`].filter(Boolean).join('/');
    const uploaded = await storage!.upload(bucket, `${folder}/input.jsonl`, file.text, 'application/jsonl');
    if (!uploaded.ok) return uploaded;
    try {
      const job = await client.ai.batches.create({ model: deployment.model, src: `gs://${bucket}/${folder}/input.jsonl`, config: { displayName: safeName(jobName), dest: `gs://${bucket}/${folder}/output`, abortSignal: signal } });
      if (!job.name) return { ok: false, error: providerError('server', `Vertex AI gave no job name for "${deployment.id}". Retry.`) };
      return { ok: true, job: { id: job.name, data: { input: `gs://${bucket}/${folder}/input.jsonl`, output: `gs://${bucket}/${folder}/output`, said: input.said } } };
    } catch (cause) {
      return { ok: false, error: fail(cause) };
    }
  },

  async status(call, job) {
    const { client, fail } = await clientFor(call);
    return jobStatus(client, fail, job, call.signal, SERVICE);
  },

  async fetch(call, job) {
    const { client, fail, storage } = await clientsFor(call);
    if (!client.ok) return client;
    let directory: string | undefined;
    try {
      directory = (await client.ai.batches.get({ name: job.id, config: { abortSignal: call.signal } })).outputInfo?.gcsOutputDirectory;
    } catch (cause) {
      return { ok: false, error: fail(cause) };
    }
    // before the job has written anything there is no output folder: look under the prefix the job was given
    const { bucket, prefix } = parseGcsUri(directory ?? job.data.output ?? '');
    const names = await storage!.list(bucket, prefix ? `${prefix}/` : '');
    if (!names.ok) return names;
    const outcomes: BatchOutcome[] = [];
    for (const name of names.value.filter((candidate) => /(^|\/)predictions[^/]*\.jsonl$/.test(candidate))) {
      const text = await storage!.download(bucket, name);
      if (!text.ok) return text;
      outcomes.push(...linesOf(text.value, call.deployment.id));
    }
    return { ok: true, outcomes: withSaid(outcomes, job.data.said) };
  },

  async cancel(call, job) {
    const { client, fail } = await clientFor(call);
    return cancelJob(client, fail, job, call.signal);
  },
};

interface PredictionLine {
  request?: { labels?: Record<string, unknown> };
  response?: ResponseFields;
  status?: unknown;
}

/** Output lines with Fanout's key; a line without one (not written from Fanout's input) is left out. */
function linesOf(text: string, deploymentId: string): BatchOutcome[] {
  const outcomes: BatchOutcome[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as PredictionLine;
    const key = keyFromLabels(parsed.request?.labels);
    if (key === null) continue;
    if (parsed.response && !parsed.status) outcomes.push(outcomeOfResponse(key, parsed.response, SERVICE, deploymentId));
    else outcomes.push(outcomeOfStatus(key, parseVertexStatus(parsed.status ?? 'no response and no status on this line'), SERVICE, deploymentId));
  }
  return outcomes;
}
