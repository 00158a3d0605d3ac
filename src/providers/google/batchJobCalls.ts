/**
 * The job calls the Gemini API and Vertex AI batch adapters share, through @google/genai's `batches`: the job's state
 * and its cancel, each failure a ProviderError value (the adapter's own `fail` names its service and deployment).
 */
import type { BatchJobRef, BatchStatus } from '../../core/batch/batchAdapter';
import type { ProviderError } from '../../core/request/stream';
import { batchStatus } from './batchState';
import type { googleClient } from './client';

type Client = ReturnType<typeof googleClient>;
type Failure = { ok: false; error: ProviderError };

export async function jobStatus(client: Client, fail: (cause: unknown) => ProviderError, job: BatchJobRef, signal: AbortSignal, service: string): Promise<{ ok: true; status: BatchStatus } | Failure> {
  if (!client.ok) return client;
  try {
    return { ok: true, status: batchStatus(await client.ai.batches.get({ name: job.id, config: { abortSignal: signal } }), service) };
  } catch (cause) {
    return { ok: false, error: fail(cause) };
  }
}

export async function cancelJob(client: Client, fail: (cause: unknown) => ProviderError, job: BatchJobRef, signal: AbortSignal): Promise<{ ok: true } | Failure> {
  if (!client.ok) return client;
  try {
    await client.ai.batches.cancel({ name: job.id, config: { abortSignal: signal } });
    return { ok: true };
  } catch (cause) {
    return { ok: false, error: fail(cause) };
  }
}
