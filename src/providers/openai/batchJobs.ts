/**
 * The Batch API's control plane through an `openai` SDK client (OpenAI's and Azure OpenAI's are the same calls):
 * upload the JSONL (`files.create`, purpose "batch"), `batches.create` with a 24 h window, `batches.retrieve`,
 * `files.content` of the output and error files, `batches.cancel`. Each host builds its own client and wire; this
 * file names no cloud. Every SDK failure comes back as a ProviderError value. It takes the SDK's values from sdk.ts (the
 * shared chunk) and is bundled into each batch chunk.
 */
import type { OpenAI } from 'openai';
import type { Batch } from 'openai/resources/batches';
import type { BatchAdapter, BatchCall, BatchLimits, BatchState, BatchStatus } from '../../core/batch/batchAdapter';
import type { Deployment } from '../../core/config/deployment';
import { proxyFor } from '../../core/engine/network';
import type { ProviderError } from '../../core/request/stream';
import { inputLine, outcomesOf, type BatchWire } from './batchLines';
import { toFile, toProviderError } from './sdk';

/** OpenAI's Batch API limits (platform.openai.com/docs/guides/batch): 50,000 requests and 200 MB a file, one model a file. */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxItems: 50_000, maxBytes: 200 * 1024 * 1024, minItems: 1 };

export interface ChatCompletionsBatchHost<D extends Deployment> {
  /** The client for this deployment and credential, or why there is none. */
  client(call: BatchCall<D>): Promise<{ ok: true; client: OpenAI } | { ok: false; error: ProviderError }>;
  wire(deployment: D): BatchWire;
  /** Where the control plane is (for connection failures to name it). */
  baseUrl(deployment: D): string;
}

const STATES: Record<Batch['status'], BatchState> = {
  validating: 'validating', in_progress: 'running', finalizing: 'finalizing', completed: 'completed',
  failed: 'failed', expired: 'expired', cancelling: 'cancelling', cancelled: 'cancelled',
};

export function chatCompletionsBatch<D extends Deployment>(host: ChatCompletionsBatchHost<D>): BatchAdapter<D> {
  const failure = (call: BatchCall<D>, cause: unknown): { ok: false; error: ProviderError } => {
    const wire = host.wire(call.deployment);
    const base = host.baseUrl(call.deployment);
    return { ok: false, error: toProviderError(cause, { service: wire.service, origin: new URL(base).origin, proxy: proxyFor(base, call.transport.network) }, call.deployment.id, null) };
  };
  const withClient = async <T>(call: BatchCall<D>, work: (client: OpenAI) => Promise<T>): Promise<T | { ok: false; error: ProviderError }> => {
    const made = await host.client(call);
    if (!made.ok) return made;
    try {
      return await work(made.client);
    } catch (cause) {
      return failure(call, cause);
    }
  };

  return {
    limits: OPENAI_BATCH_LIMITS,
    submit: (call, items, jobName) => withClient(call, async (client) => {
      const wire = host.wire(call.deployment);
      const text = `${items.map((item) => inputLine(item, wire)).join('\n')}\n`;
      const file = await client.files.create({ file: await toFile(Buffer.from(text), `${jobName}.jsonl`, { type: 'application/jsonl' }), purpose: 'batch' }, { signal: call.signal });
      const batch = await client.batches.create({
        input_file_id: file.id, endpoint: wire.url as '/v1/chat/completions', completion_window: '24h', metadata: { fanout: jobName.slice(0, 512) },
      }, { signal: call.signal });
      return { ok: true as const, job: { id: batch.id, data: { inputFileId: file.id } } };
    }),
    status: (call, job) => withClient(call, async (client) => ({ ok: true as const, status: statusOf(await client.batches.retrieve(job.id, { signal: call.signal })) })),
    fetch: (call, job) => withClient(call, async (client) => {
      const batch = await client.batches.retrieve(job.id, { signal: call.signal });
      const wire = host.wire(call.deployment);
      const outcomes = [];
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        const content = await client.files.content(fileId, { signal: call.signal });
        outcomes.push(...outcomesOf(await content.text(), wire));
      }
      return { ok: true as const, outcomes };
    }),
    cancel: (call, job) => withClient(call, async (client) => {
      await client.batches.cancel(job.id, { signal: call.signal });
      return { ok: true as const };
    }),
  };
}

function statusOf(batch: Batch): BatchStatus {
  const counts = batch.request_counts;
  const errors = batch.errors?.data?.map((error) => `${error.line ? `line ${error.line}: ` : ''}${error.message ?? error.code ?? ''}`).filter(Boolean) ?? [];
  const message = errors.length ? errors.slice(0, 3).join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '')
    : batch.status === 'expired' ? 'the job did not finish within its 24 h window: what it finished is in its output; fanout eval --resume sends the rest again'
      : null;
  return {
    state: STATES[batch.status] ?? 'running',
    rawState: batch.status,
    total: counts?.total ?? null,
    succeeded: counts?.completed ?? null,
    failed: counts?.failed ?? null,
    message,
  };
}
