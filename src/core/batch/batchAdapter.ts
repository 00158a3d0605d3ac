/**
 * The contract every cloud's batch adapter fulfils (`src/providers/<cloud>/batch.ts`, loaded lazily through the
 * descriptor's `batch.adapter()`). The core (`src/core/batch/`) builds the items from an evaluation's cases, splits
 * them by the adapter's limits, keeps each job's state in the results file, follows, fetches and cancels; the adapter
 * only speaks its cloud's control plane through the official SDK. Adapters never throw for a cloud's answer: a
 * refused upload, a missing bucket or a bad role comes back as a `ProviderError` value with a fix a person can act on.
 */
import type { Deployment } from '../config/deployment';
import type { TransportOptions } from '../engine/adapter';
import type { ChatRequest } from '../request/chatRequest';
import type { ProviderError, StreamPart } from '../request/stream';
import type { Credential } from '../security/credential';

/** One request of a job; `customId` is the case key (`test/prompt/repeat/deployment`), unique within the job. */
export interface BatchItem {
  customId: string;
  request: ChatRequest;
}

/** What a cloud's batch service takes in one job, checked before anything is uploaded; larger sets are split. */
export interface BatchLimits {
  /** Most requests in one job (OpenAI: 50,000). */
  maxItems: number;
  /** Most bytes of one input file (OpenAI: 200 MB). */
  maxBytes: number;
  /** Fewest records a job takes (Bedrock: 100); fewer are refused before upload, with the fix. */
  minItems: number;
}

export interface BatchCall<D = Deployment> {
  deployment: D;
  credential: Credential;
  transport: TransportOptions;
  signal: AbortSignal;
}

/**
 * A submitted job as stored in the results file: everything needed to follow, fetch or cancel it later from
 * another process. Never a secret (ids, file names, URIs and counts only).
 */
export interface BatchJobRef {
  /** The cloud's job id or resource name (`batch_abc`, `batches/123`, `projects/…/batchPredictionJobs/…`, a job ARN). */
  id: string;
  /** Cloud-specific ids the adapter needs later (input file id, `gs://` / `s3://` input and output prefixes). */
  data: Record<string, string>;
}

/** The service's own state names, normalised. */
export type BatchState = 'validating' | 'queued' | 'running' | 'finalizing' | 'completed' | 'failed' | 'expired' | 'cancelling' | 'cancelled';
/** States after which nothing more will happen: fetch what there is. */
export const FINAL_BATCH_STATES: readonly BatchState[] = ['completed', 'failed', 'expired', 'cancelled'];

export interface BatchStatus {
  state: BatchState;
  /** The cloud's own word for it ("in_progress", "JOB_STATE_RUNNING", "InProgress"), shown beside ours. */
  rawState: string;
  /** Counts when the cloud gives them, else null. */
  total: number | null;
  succeeded: number | null;
  failed: number | null;
  /** Why the job failed or expired, in the cloud's words plus the fix, when it said. */
  message: string | null;
}

/**
 * One item's outcome: the parts its answer would have streamed (a whole `text-delta`, `reasoning-delta`,
 * `tool-call`s, `usage`, `finish`, `response-metadata`), or the error the cloud gave that line.
 */
export type BatchOutcome =
  | { customId: string; parts: Array<Exclude<StreamPart, { type: 'error' }>> }
  | { customId: string; error: ProviderError };

export interface BatchAdapter<D = Deployment> {
  limits: BatchLimits;
  /** Builds the cloud's input file from the items, uploads it, creates the job. One call = one job. */
  submit(call: BatchCall<D>, items: readonly BatchItem[], jobName: string): Promise<{ ok: true; job: BatchJobRef } | { ok: false; error: ProviderError }>;
  status(call: BatchCall<D>, job: BatchJobRef): Promise<{ ok: true; status: BatchStatus } | { ok: false; error: ProviderError }>;
  /** Reads the output (and the error file): every item the cloud has an outcome for, in any order; partial for an expired or cancelled job. */
  fetch(call: BatchCall<D>, job: BatchJobRef): Promise<{ ok: true; outcomes: BatchOutcome[] } | { ok: false; error: ProviderError }>;
  cancel(call: BatchCall<D>, job: BatchJobRef): Promise<{ ok: true } | { ok: false; error: ProviderError }>;
}

/** A descriptor's batch section: what its deployments need to send a batch, and the adapter. */
export interface BatchSupport<D = Deployment> {
  /** "OpenAI Batch API", "Bedrock batch inference". */
  service: string;
  /** The batch price as a share of the streamed price (0.5 on every cloud today), from the cloud's pricing page. */
  priceFactor: number;
  /**
   * Why this deployment cannot be sent as a batch (a missing `batch.gcsUri`, a malformed role ARN), naming the field
   * and the fix; null when it can. Checked before anything is uploaded.
   */
  problem(deployment: D): string | null;
  adapter(): Promise<BatchAdapter<D>>;
}
