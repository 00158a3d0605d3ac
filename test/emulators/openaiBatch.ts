/**
 * OpenAI's and Azure OpenAI's Batch API, as the OpenAI emulator serves it beside chat completions: files
 * (`POST /v1/files` multipart with purpose "batch", `GET /v1/files/{id}/content`) and batches (`POST /v1/batches`,
 * `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`); Azure's at `/openai/files` and `/openai/batches` with its
 * api-version and api-key checks. A job moves validating → in_progress → finalizing → completed over real time
 * (each state's length a knob, tiny in tests); its answers come from the same planner as streamed answers
 * (`answerWhole`), written in OpenAI's output and error file formats. Knobs: lines that fail, a job that expires part
 * way (`expired`, partial output, the rest `batch_expired`), and cancel (`cancelling` → `cancelled`, partial output).
 */
import { randomUUID } from 'node:crypto';
import type { BehaviourQueue } from './behaviour';
import { answerWhole, type ChatBody, type Flavour } from './openai';
import { sendJson, head, type EmulatorResponse } from './server';

export interface BatchKnobs {
  /** How long a job stays in each state (ms). */
  validatingMs: number;
  inProgressMs: number;
  finalizingMs: number;
  cancellingMs: number;
  /** Lines whose custom_id matches fail with a 500 in the error file. */
  failing?: (customId: string) => boolean;
  /** The job expires after answering this many lines (the rest come back `batch_expired`). */
  expireAfter?: number;
  /** A cancelled job has answered this many lines (default: half). */
  cancelKeeps?: number;
}

const DEFAULT_KNOBS: BatchKnobs = { validatingMs: 20, inProgressMs: 40, finalizingMs: 20, cancellingMs: 20 };

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: Buffer;
  createdAt: number;
}

interface Job {
  id: string;
  endpoint: string;
  inputFileId: string;
  created: number;
  metadata: Record<string, string> | null;
  knobs: BatchKnobs;
  lines: Array<{ custom_id: string; url: string; body: ChatBody }>;
  /** A validation failure, in OpenAI's errors.data shape. */
  invalid: Array<{ code: string; message: string; line: number | null; param: string | null }>;
  cancelledAt: number | null;
  outputFileId: string | null;
  errorFileId: string | null;
  done: boolean;
  apiVersion: string | null;
}

export interface BatchServiceOptions {
  behaviour: BehaviourQueue;
  /** Azure: deployment name → model (the batch deployment named on each line must be one). */
  azureDeployments?: Record<string, string>;
  /** Accepts this request's credential for the flavour (the chat emulator's own checks). */
  authorised(flavour: Flavour, headers: Record<string, string | undefined>): boolean;
}

export class BatchService {
  knobs: BatchKnobs = { ...DEFAULT_KNOBS };
  readonly files = new Map<string, StoredFile>();
  readonly jobs = new Map<string, Job>();

  constructor(private readonly options: BatchServiceOptions) {}

  reset(): void {
    this.knobs = { ...DEFAULT_KNOBS };
    this.files.clear();
    this.jobs.clear();
  }

  /** Serves the request when it is a files or batches route; false otherwise. */
  handle(url: URL, method: string, headers: Record<string, string | undefined>, raw: Buffer, response: EmulatorResponse): boolean {
    const route = /^\/(v1|openai)\/(files|batches)(?:\/([^/]+))?(?:\/(content|cancel))?$/.exec(url.pathname);
    if (!route) return false;
    const flavour: Flavour = route[1] === 'openai' ? 'azure' : 'openai';
    const [, , kind, id, action] = route;
    if (flavour === 'azure' && !url.searchParams.get('api-version')) {
      sendJson(response, 400, { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } });
      return true;
    }
    if (!this.options.authorised(flavour, headers)) {
      sendJson(response, 401, flavour === 'azure'
        ? { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } }
        : { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      return true;
    }
    if (kind === 'files' && method === 'POST' && !id) this.upload(headers, raw, response);
    else if (kind === 'files' && method === 'GET' && id && action === 'content') this.content(id, response);
    else if (kind === 'batches' && method === 'POST' && !id) this.create(raw, response, flavour, url.searchParams.get('api-version'));
    else if (kind === 'batches' && method === 'GET' && id && !action) this.retrieve(id, response);
    else if (kind === 'batches' && method === 'POST' && id && action === 'cancel') this.cancel(id, response);
    else sendJson(response, 404, { error: { message: `Invalid URL (${method} ${url.pathname})`, type: 'invalid_request_error', param: null, code: null } });
    return true;
  }

  private upload(headers: Record<string, string | undefined>, raw: Buffer, response: EmulatorResponse): void {
    const form = multipart(raw, headers['content-type'] ?? '');
    const file = form.get('file');
    if (!file || form.get('purpose')?.bytes.toString() !== 'batch') {
      sendJson(response, 400, { error: { message: "'purpose' must be 'batch' and a 'file' is required", type: 'invalid_request_error', param: 'purpose', code: null } });
      return;
    }
    const stored: StoredFile = { id: `file-${randomUUID().replace(/-/g, '').slice(0, 24)}`, filename: file.filename ?? 'upload.jsonl', purpose: 'batch', bytes: file.bytes, createdAt: seconds() };
    this.files.set(stored.id, stored);
    sendJson(response, 200, fileObject(stored));
  }

  private content(id: string, response: EmulatorResponse): void {
    this.settleAll();
    const file = this.files.get(id);
    if (!file) {
      sendJson(response, 404, { error: { message: `No such File object: ${id}`, type: 'invalid_request_error', param: 'id', code: null } });
      return;
    }
    head(response, 200, { 'content-type': 'application/octet-stream' });
    response.end(file.bytes);
  }

  private create(raw: Buffer, response: EmulatorResponse, flavour: Flavour, apiVersion: string | null): void {
    const body = JSON.parse(raw.toString('utf8')) as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> };
    const input = body.input_file_id ? this.files.get(body.input_file_id) : undefined;
    const endpoint = flavour === 'azure' ? '/chat/completions' : '/v1/chat/completions';
    if (!input) {
      sendJson(response, 400, { error: { message: `Invalid 'input_file_id': '${body.input_file_id}'.`, type: 'invalid_request_error', param: 'input_file_id', code: null } });
      return;
    }
    if (body.endpoint !== endpoint || body.completion_window !== '24h') {
      sendJson(response, 400, { error: { message: `Invalid value for 'endpoint' or 'completion_window': expected '${endpoint}' and '24h'.`, type: 'invalid_request_error', param: 'endpoint', code: null } });
      return;
    }
    const lines = input.bytes.toString('utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Job['lines'][number]);
    const job: Job = {
      id: `batch_${randomUUID().replace(/-/g, '')}`, endpoint, inputFileId: input.id, created: Date.now(), metadata: body.metadata ?? null, knobs: { ...this.knobs },
      lines, invalid: validate(lines, endpoint, flavour, this.options.azureDeployments), cancelledAt: null, outputFileId: null, errorFileId: null, done: false, apiVersion,
    };
    this.jobs.set(job.id, job);
    sendJson(response, 200, this.batchObject(job));
  }

  private retrieve(id: string, response: EmulatorResponse): void {
    const job = this.jobs.get(id);
    if (!job) sendJson(response, 404, { error: { message: `No batch found with id '${id}'.`, type: 'invalid_request_error', param: null, code: null } });
    else sendJson(response, 200, this.batchObject(job));
  }

  private cancel(id: string, response: EmulatorResponse): void {
    const job = this.jobs.get(id);
    if (!job) {
      sendJson(response, 404, { error: { message: `No batch found with id '${id}'.`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    if (this.stateOf(job) !== 'completed' && job.cancelledAt === null) job.cancelledAt = Date.now();
    sendJson(response, 200, this.batchObject(job));
  }

  private settleAll(): void {
    for (const job of this.jobs.values()) this.stateOf(job);
  }

  /** The job's state now; writes its output and error files once it is past running. */
  private stateOf(job: Job): string {
    const { validatingMs, inProgressMs, finalizingMs, cancellingMs, expireAfter } = job.knobs;
    const elapsed = Date.now() - job.created;
    if (job.invalid.length) return elapsed < validatingMs ? 'validating' : 'failed';
    if (job.cancelledAt !== null) {
      if (Date.now() - job.cancelledAt < cancellingMs) return 'cancelling';
      this.settle(job, Math.min(job.knobs.cancelKeeps ?? Math.floor(job.lines.length / 2), job.lines.length), 'batch_cancelled');
      return 'cancelled';
    }
    if (elapsed < validatingMs) return 'validating';
    if (elapsed < validatingMs + inProgressMs) return 'in_progress';
    if (expireAfter !== undefined) {
      this.settle(job, Math.min(expireAfter, job.lines.length), 'batch_expired');
      return 'expired';
    }
    if (elapsed < validatingMs + inProgressMs + finalizingMs) return 'finalizing';
    this.settle(job, job.lines.length, null);
    return 'completed';
  }

  /** Answers the first `answered` lines, the rest (when the job stopped early) as never run; writes both files once. */
  private settle(job: Job, answered: number, stoppedCode: 'batch_expired' | 'batch_cancelled' | null): void {
    if (job.done) return;
    job.done = true;
    const output: string[] = [];
    const errors: string[] = [];
    job.lines.forEach((line, index) => {
      const id = `batch_req_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
      const requestId = randomUUID().replace(/-/g, '');
      if (index >= answered) {
        const message = stoppedCode === 'batch_expired' ? 'This request could not be executed before the completion window expired.' : 'This request was not executed because the batch was cancelled.';
        errors.push(JSON.stringify({ id, custom_id: line.custom_id, response: null, error: { code: stoppedCode, message } }));
        return;
      }
      if (job.knobs.failing?.(line.custom_id)) {
        errors.push(JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 500, request_id: requestId, body: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } } }, error: null }));
        return;
      }
      const model = job.endpoint === '/chat/completions' ? this.options.azureDeployments?.[line.body.model ?? ''] ?? '' : line.body.model ?? '';
      const answer = answerWhole(line.body, model, job.endpoint === '/chat/completions' ? 'azure' : 'openai', job.apiVersion, this.options.behaviour.take(model));
      (answer.status === 200 ? output : errors).push(JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: answer.status, request_id: requestId, body: answer.body }, error: null }));
    });
    const store = (lines: string[], kind: string): string | null => {
      if (!lines.length) return null;
      const file: StoredFile = { id: `file-${randomUUID().replace(/-/g, '').slice(0, 24)}`, filename: `${job.id}_${kind}.jsonl`, purpose: `batch_${kind}`, bytes: Buffer.from(`${lines.join('\n')}\n`), createdAt: seconds() };
      this.files.set(file.id, file);
      return file.id;
    };
    job.outputFileId = store(output, 'output');
    job.errorFileId = store(errors, 'error');
  }

  private batchObject(job: Job): Record<string, unknown> {
    const status = this.stateOf(job);
    const at = (offset: number): number => Math.floor((job.created + offset) / 1000);
    const final = ['completed', 'expired', 'cancelled', 'failed'].includes(status);
    const counted = final && status !== 'failed' ? this.counts(job) : { total: status === 'validating' || status === 'failed' ? 0 : job.lines.length, completed: 0, failed: 0 };
    return {
      id: job.id, object: 'batch', endpoint: job.endpoint,
      errors: job.invalid.length && status === 'failed' ? { object: 'list', data: job.invalid } : null,
      input_file_id: job.inputFileId, completion_window: '24h', status,
      output_file_id: final ? job.outputFileId : null, error_file_id: final ? job.errorFileId : null,
      created_at: at(0), in_progress_at: status === 'validating' ? null : at(job.knobs.validatingMs), expires_at: at(24 * 3600_000),
      finalizing_at: null, completed_at: status === 'completed' ? seconds() : null, failed_at: status === 'failed' ? seconds() : null,
      expired_at: status === 'expired' ? seconds() : null, cancelling_at: job.cancelledAt ? Math.floor(job.cancelledAt / 1000) : null,
      cancelled_at: status === 'cancelled' ? seconds() : null, request_counts: counted, metadata: job.metadata,
    };
  }

  private counts(job: Job): { total: number; completed: number; failed: number } {
    const lines = (fileId: string | null): number => (fileId ? this.files.get(fileId)!.bytes.toString().split('\n').filter(Boolean).length : 0);
    const completed = lines(job.outputFileId);
    return { total: job.lines.length, completed, failed: job.lines.length - completed };
  }
}

/** What the service refuses at validation: a wrong url, more than one model, an unknown Azure batch deployment. */
function validate(lines: Job['lines'], endpoint: string, flavour: Flavour, deployments: Record<string, string> | undefined): Job['invalid'] {
  const invalid: Job['invalid'] = [];
  const models = new Set(lines.map((line) => line.body?.model));
  lines.forEach((line, index) => {
    if (line.url !== endpoint) invalid.push({ code: 'invalid_url', message: `The URL provided for this request does not match the batch endpoint: expected '${endpoint}'.`, line: index + 1, param: 'url' });
  });
  if (models.size > 1) invalid.push({ code: 'mismatched_model', message: 'The provided model does not match the model of other requests: a batch may contain only one model.', line: null, param: 'body.model' });
  if (flavour === 'azure' && !deployments?.[[...models][0] ?? '']) invalid.push({ code: 'model_not_found', message: `The model '${[...models][0]}' does not exist or is not a Global Batch deployment.`, line: 1, param: 'body.model' });
  return invalid;
}

function fileObject(file: StoredFile): Record<string, unknown> {
  return { id: file.id, object: 'file', bytes: file.bytes.length, created_at: file.createdAt, filename: file.filename, purpose: file.purpose, status: 'processed', status_details: null };
}

const seconds = (): number => Math.floor(Date.now() / 1000);

/** A multipart/form-data body's fields by name. */
function multipart(raw: Buffer, contentType: string): Map<string, { filename?: string; bytes: Buffer }> {
  const fields = new Map<string, { filename?: string; bytes: Buffer }>();
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return fields;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // after CRLF, before CRLF
    const split = part.indexOf('\r\n\r\n');
    const header = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]+)"/.exec(header)?.[1];
    const filename = /filename="([^"]*)"/.exec(header)?.[1];
    if (name) fields.set(name, { ...(filename !== undefined ? { filename } : {}), bytes: part.subarray(split + 4) });
    start = next;
  }
  return fields;
}
