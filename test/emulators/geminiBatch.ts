/**
 * The Gemini API's batch mode: the Files API's resumable upload (`X-Goog-Upload-Protocol: resumable`, a start then
 * `upload, finalize` chunks), file metadata and download, `models/M:batchGenerateContent` on an uploaded JSONL file
 * (`{"key", "request"}` lines) or inlined requests, and `batches/ID` get and cancel, answered as long-running
 * operations whose metadata carries the BATCH_STATE_* the real API returns. A finished job's answers are a responses
 * file of `{"key", "response" | "error"}` lines; an expired or cancelled job has none.
 */
import { randomBytes, createHash } from 'node:crypto';
import { DEFAULT_LINE_ERROR, iso, lineFails, phaseAt, type BatchKnobs, type Phase, type Timeline } from './batchTimeline';
import type { GenerateContentBody } from './googleAnswer';
import { head, sendJson, type EmulatorResponse } from './server';

type Answer = (body: GenerateContentBody, model: string) => { response: Record<string, unknown> } | { error: { code: number; message: string; status: string } };

interface StoredFile {
  name: string;
  displayName?: string;
  mimeType: string;
  data: Buffer;
  createTime: string;
}

interface GeminiJob extends Timeline {
  id: string;
  model: string;
  displayName: string;
  inputConfig: Record<string, unknown>;
  requests: Array<{ key: string; request: GenerateContentBody }>;
  inlined: boolean;
  output?: Record<string, unknown>;
}

const STATE: Record<Phase, string> = {
  pending: 'BATCH_STATE_PENDING', running: 'BATCH_STATE_RUNNING', succeeded: 'BATCH_STATE_SUCCEEDED', failed: 'BATCH_STATE_FAILED',
  expired: 'BATCH_STATE_EXPIRED', cancelling: 'BATCH_STATE_RUNNING', cancelled: 'BATCH_STATE_CANCELLED',
};

const id = (): string => randomBytes(12).toString('hex');

export class GeminiBatchEmulator {
  readonly files = new Map<string, StoredFile>();
  readonly jobs = new Map<string, GeminiJob>();
  private readonly uploads = new Map<string, { file: Partial<StoredFile>; chunks: Buffer[] }>();
  /** What the next jobs do (each job copies them when it is created). */
  knobs: BatchKnobs = {};

  constructor(private readonly baseUrl: () => string, private readonly now: () => number, private readonly answer: Answer) {}

  handle(method: string, url: URL, headers: Record<string, string | undefined>, body: Buffer, response: EmulatorResponse): boolean {
    const path = url.pathname;
    const fail = (status: number, message: string, statusName: string): void => sendJson(response, status, { error: { code: status, message, status: statusName } });
    if (method === 'POST' && /^\/upload\/v1(beta)?\/files$/.test(path)) {
      this.upload(url, headers, body, response);
      return true;
    }
    const download = /^\/(?:download\/)?v1(?:beta)?\/files\/([^/:]+):download$/.exec(path);
    if (method === 'GET' && download) {
      const file = this.files.get(`files/${download[1]}`);
      if (!file) return fail(404, `File files/${download[1]} not found.`, 'NOT_FOUND'), true;
      head(response, 200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) });
      response.end(file.data);
      return true;
    }
    const fileGet = /^\/v1(?:beta)?\/files\/([^/:]+)$/.exec(path);
    if (method === 'GET' && fileGet) {
      const file = this.files.get(`files/${fileGet[1]}`);
      if (!file) return fail(403, `You do not have permission to access the File ${fileGet[1]} or it may not exist.`, 'PERMISSION_DENIED'), true;
      sendJson(response, 200, this.fileResource(file));
      return true;
    }
    const create = /^\/v1(?:beta)?\/models\/([^/:]+):batchGenerateContent$/.exec(path);
    if (method === 'POST' && create) {
      this.create(decodeURIComponent(create[1]!), JSON.parse(body.toString('utf8') || '{}'), response, fail);
      return true;
    }
    const job = /^\/v1(?:beta)?\/batches\/([^/:]+)(:cancel)?$/.exec(path);
    if (job) {
      const found = this.jobs.get(job[1]!);
      if (!found) return fail(404, `Batch batches/${job[1]} not found.`, 'NOT_FOUND'), true;
      if (job[2] && method === 'POST') {
        if (phaseAt(found, this.now()).phase === 'pending' || phaseAt(found, this.now()).phase === 'running') found.cancelledAt = this.now();
        sendJson(response, 200, {});
      } else {
        sendJson(response, 200, this.operation(found));
      }
      return true;
    }
    return false;
  }

  private upload(url: URL, headers: Record<string, string | undefined>, body: Buffer, response: EmulatorResponse): void {
    const command = (headers['x-goog-upload-command'] ?? '').toLowerCase();
    const uploadId = url.searchParams.get('upload_id');
    if (!uploadId) {
      if (headers['x-goog-upload-protocol'] !== 'resumable' || command !== 'start') {
        sendJson(response, 400, { error: { code: 400, message: 'Upload has to be resumable: send X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start.', status: 'INVALID_ARGUMENT' } });
        return;
      }
      const metadata = (JSON.parse(body.toString('utf8') || '{}') as { file?: Partial<StoredFile> }).file ?? {};
      const session = id();
      this.uploads.set(session, { file: { ...metadata, mimeType: headers['x-goog-upload-header-content-type'] ?? metadata.mimeType ?? 'application/octet-stream' }, chunks: [] });
      head(response, 200, { 'x-goog-upload-url': `${this.baseUrl()}${url.pathname}?upload_id=${session}&upload_protocol=resumable`, 'x-goog-upload-status': 'active', 'x-goog-upload-chunk-granularity': '8388608', 'content-length': '0' });
      response.end();
      return;
    }
    const session = this.uploads.get(uploadId);
    if (!session) {
      head(response, 404, { 'x-goog-upload-status': 'final', 'content-type': 'text/plain' });
      response.end('No such upload.');
      return;
    }
    const offset = Number(headers['x-goog-upload-offset'] ?? 0);
    const received = session.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (offset !== received) {
      head(response, 400, { 'x-goog-upload-status': 'active', 'content-type': 'text/plain' });
      response.end(`Offset ${offset} does not match the ${received} bytes received.`);
      return;
    }
    session.chunks.push(body);
    if (!command.includes('finalize')) {
      head(response, 200, { 'x-goog-upload-status': 'active', 'content-length': '0' });
      response.end();
      return;
    }
    this.uploads.delete(uploadId);
    const name = session.file.name?.startsWith('files/') ? session.file.name : `files/${id()}`;
    const file: StoredFile = { name, ...(session.file.displayName ? { displayName: session.file.displayName } : {}), mimeType: session.file.mimeType ?? 'application/octet-stream', data: Buffer.concat(session.chunks), createTime: iso(this.now()) };
    this.files.set(name, file);
    sendJson(response, 200, { file: this.fileResource(file) }, { 'x-goog-upload-status': 'final' });
  }

  private create(model: string, request: { batch?: { displayName?: string; inputConfig?: { fileName?: string; requests?: { requests?: Array<{ request: GenerateContentBody; metadata?: { key?: string } }> } } } }, response: EmulatorResponse, fail: (status: number, message: string, statusName: string) => void): void {
    const input = request.batch?.inputConfig;
    let requests: GeminiJob['requests'];
    if (input?.fileName) {
      const file = this.files.get(input.fileName);
      if (!file) return fail(404, `File ${input.fileName} not found.`, 'NOT_FOUND');
      try {
        requests = file.data.toString('utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as { key: string; request: GenerateContentBody });
      } catch {
        return fail(400, `The input file ${input.fileName} is not valid JSONL.`, 'INVALID_ARGUMENT');
      }
    } else if (input?.requests?.requests) {
      requests = input.requests.requests.map((entry, index) => ({ key: entry.metadata?.key ?? String(index), request: entry.request }));
    } else {
      return fail(400, 'batch.input_config: one of file_name or requests must be set.', 'INVALID_ARGUMENT');
    }
    const job: GeminiJob = { id: id(), model, displayName: request.batch?.displayName ?? '', inputConfig: input, requests, inlined: !input.fileName, createdAt: this.now(), knobs: { ...this.knobs }, lines: requests.length };
    this.jobs.set(job.id, job);
    sendJson(response, 200, this.operation(job));
  }

  /** The batch as a long-running operation: the GenerateContentBatch in `metadata`, the output once it is done. */
  private operation(job: GeminiJob): Record<string, unknown> {
    const now = this.now();
    const { phase, done, endedAt } = phaseAt(job, now);
    const final = phase === 'succeeded' || phase === 'failed' || phase === 'expired' || phase === 'cancelled';
    if (phase === 'succeeded' && !job.output) job.output = this.write(job);
    const failed = job.output ? Number((job.output as { failed?: number }).failed ?? 0) : 0;
    const output = job.output ? Object.fromEntries(Object.entries(job.output).filter(([key]) => key !== 'failed')) : undefined;
    const metadata = {
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
      name: `batches/${job.id}`,
      model: `models/${job.model}`,
      displayName: job.displayName,
      inputConfig: job.inlined ? { requests: { requests: [] } } : job.inputConfig,
      createTime: iso(job.createdAt),
      updateTime: iso(now),
      ...(final && endedAt !== null ? { endTime: iso(endedAt) } : {}),
      batchStats: { requestCount: String(job.lines), successfulRequestCount: String(phase === 'succeeded' ? job.lines - failed : 0), failedRequestCount: String(phase === 'succeeded' ? failed : 0), pendingRequestCount: String(final ? 0 : job.lines - done) },
      state: STATE[phase],
      ...(output ? { output } : {}),
    };
    return {
      name: `batches/${job.id}`,
      metadata,
      ...(final ? { done: true } : {}),
      ...(phase === 'failed' ? { error: { code: 400, message: job.knobs.failJob } } : {}),
      ...(output ? { response: { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput', ...output } } : {}),
    };
  }

  /** Runs every line through the planner: a responses file, or inlined responses. */
  private write(job: GeminiJob): Record<string, unknown> {
    let failed = 0;
    const results = job.requests.map(({ key, request }, index) => {
      const answer = lineFails(job.knobs, index, key) ? { error: job.knobs.lineError ?? DEFAULT_LINE_ERROR } : this.answer(request, job.model);
      if ('error' in answer) failed++;
      return { key, ...answer };
    });
    if (job.inlined) return { inlinedResponses: { inlinedResponses: results.map(({ key, ...rest }) => ({ ...rest, metadata: { key } })) }, failed };
    const name = `files/batch-${job.id}`;
    const data = Buffer.from(results.map((line) => JSON.stringify(line)).join('\n') + '\n');
    this.files.set(name, { name, mimeType: 'application/jsonl', data, createTime: iso(this.now()) });
    return { responsesFile: name, failed };
  }

  private fileResource(file: StoredFile): Record<string, unknown> {
    return {
      name: file.name,
      ...(file.displayName ? { displayName: file.displayName } : {}),
      mimeType: file.mimeType,
      sizeBytes: String(file.data.length),
      createTime: file.createTime,
      updateTime: file.createTime,
      expirationTime: iso(Date.parse(file.createTime) + 48 * 3_600_000),
      sha256Hash: createHash('sha256').update(file.data).digest('base64'),
      uri: `${this.baseUrl()}/v1beta/${file.name}`,
      state: 'ACTIVE',
      source: 'UPLOADED',
    };
  }
}
