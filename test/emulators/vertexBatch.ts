/**
 * Vertex AI batch inference: `projects/P/locations/L/batchPredictionJobs` create, get and `:cancel`, the job reading
 * its JSONL input (`{"request"}` lines) from the Cloud Storage emulator and writing `predictions.jsonl` under
 * `outputUriPrefix/prediction-model-<time>/` — each line the request echoed (labels included) with `response`, or a
 * failed `status` — in no particular order. JOB_STATE_PENDING → RUNNING → SUCCEEDED | FAILED | CANCELLED, or EXPIRED
 * part way; an expired or cancelled job writes the lines it finished, and completionStats counts them.
 */
import { DEFAULT_LINE_ERROR, iso, lineFails, phaseAt, type BatchKnobs, type Phase, type Timeline } from './batchTimeline';
import type { StorageEmulator } from './cloudStorage';
import type { GenerateContentBody } from './googleAnswer';
import { sendJson, type EmulatorResponse } from './server';

type Answer = (body: GenerateContentBody, model: string) => { response: Record<string, unknown> } | { error: { code: number; message: string; status: string } };

interface VertexJob extends Timeline {
  id: string;
  location: string;
  body: { displayName?: string; model?: string; inputConfig?: { gcsSource?: { uris?: string[] } }; outputConfig?: { gcsDestination?: { outputUriPrefix?: string } } };
  model: string;
  requests: GenerateContentBody[];
  outputDirectory?: string;
  stats?: { successfulCount: string; failedCount: string; incompleteCount: string };
}

const STATE: Record<Phase, string> = {
  pending: 'JOB_STATE_PENDING', running: 'JOB_STATE_RUNNING', succeeded: 'JOB_STATE_SUCCEEDED', failed: 'JOB_STATE_FAILED',
  expired: 'JOB_STATE_EXPIRED', cancelling: 'JOB_STATE_CANCELLING', cancelled: 'JOB_STATE_CANCELLED',
};
const REASON: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const PROJECT_NUMBER = '123456789012';

const splitGcs = (uri: string): { bucket: string; name: string } => {
  const rest = uri.replace(/^gs:\/\//, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, name: '' } : { bucket: rest.slice(0, slash), name: rest.slice(slash + 1) };
};

/** The case key Fanout carries in a request's labels (hex in `fanout_key_N`), for the `failing` knob; null without one. */
function fanoutKey(request: GenerateContentBody & { labels?: Record<string, string> }): string | null {
  const labels = request.labels ?? {};
  let hex = '';
  for (let index = 0; labels[`fanout_key_${index}`] !== undefined; index++) hex += labels[`fanout_key_${index}`];
  return labels.fanout_key_0 === undefined ? null : Buffer.from(hex, 'hex').toString('utf8');
}

export class VertexBatchEmulator {
  readonly jobs = new Map<string, VertexJob>();
  /** What the next jobs do (each job copies them when it is created). */
  knobs: BatchKnobs = {};
  private nextId = 8_000_000_000_000_000_000n;

  constructor(private readonly storage: StorageEmulator, private readonly now: () => number, private readonly answer: Answer) {}

  handle(method: string, url: URL, body: Buffer, response: EmulatorResponse): boolean {
    const route = /^\/(?:v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/batchPredictionJobs(?:\/([^/:]+))?(:cancel)?$/.exec(url.pathname);
    if (!route) return false;
    const fail = (status: number, message: string, statusName: string): void => sendJson(response, status, { error: { code: status, message, status: statusName } });
    const [, , location, jobId, cancel] = route;
    if (!jobId && method === 'POST') {
      this.create(location!, JSON.parse(body.toString('utf8') || '{}'), response, fail);
      return true;
    }
    const job = jobId ? this.jobs.get(jobId) : undefined;
    if (!job) return fail(404, `The BatchPredictionJob does not exist.`, 'NOT_FOUND'), true;
    if (cancel && method === 'POST') {
      const { phase } = phaseAt(job, this.now());
      if (phase !== 'pending' && phase !== 'running') return fail(400, `BatchPredictionJob ${jobId} is in state ${STATE[phase]} and cannot be cancelled.`, 'FAILED_PRECONDITION'), true;
      job.cancelledAt = this.now();
      sendJson(response, 200, {});
      return true;
    }
    sendJson(response, 200, this.resource(job));
    return true;
  }

  private create(location: string, body: VertexJob['body'], response: EmulatorResponse, fail: (status: number, message: string, statusName: string) => void): void {
    const input = body.inputConfig?.gcsSource?.uris?.[0];
    const output = body.outputConfig?.gcsDestination?.outputUriPrefix;
    if (!input || !output) return fail(400, 'inputConfig.gcsSource.uris and outputConfig.gcsDestination.outputUriPrefix are required.', 'INVALID_ARGUMENT');
    const source = splitGcs(input);
    const data = this.storage.get(source.bucket, source.name);
    if (!data) return fail(400, `Failed to read the input file ${input}: no such object, or the AI Platform Service Agent may not read it.`, 'INVALID_ARGUMENT');
    if (!this.storage.hasBucket(splitGcs(output).bucket)) return fail(400, `The output location ${output} is in a bucket that does not exist.`, 'INVALID_ARGUMENT');
    let requests: GenerateContentBody[];
    try {
      requests = data.toString('utf8').split('\n').filter((line) => line.trim()).map((line) => (JSON.parse(line) as { request: GenerateContentBody }).request);
    } catch {
      return fail(400, `The input file ${input} is not valid JSONL.`, 'INVALID_ARGUMENT');
    }
    const model = (body.model ?? '').replace(/^publishers\/google\/models\//, '');
    const job: VertexJob = { id: String(this.nextId++), location, body, model, requests, createdAt: this.now(), knobs: { ...this.knobs }, lines: requests.length };
    this.jobs.set(job.id, job);
    sendJson(response, 200, this.resource(job));
  }

  private resource(job: VertexJob): Record<string, unknown> {
    const now = this.now();
    const { phase, done, startedAt, endedAt } = phaseAt(job, now);
    if ((phase === 'succeeded' || phase === 'expired' || phase === 'cancelled') && !job.outputDirectory) this.write(job, done);
    const final = phase === 'succeeded' || phase === 'failed' || phase === 'expired' || phase === 'cancelled';
    return {
      name: `projects/${PROJECT_NUMBER}/locations/${job.location}/batchPredictionJobs/${job.id}`,
      displayName: job.body.displayName ?? '',
      model: `publishers/google/models/${job.model}`,
      inputConfig: { instancesFormat: 'jsonl', ...job.body.inputConfig },
      outputConfig: { predictionsFormat: 'jsonl', ...job.body.outputConfig },
      state: STATE[phase],
      ...(phase === 'failed' ? { error: { code: 3, message: job.knobs.failJob } } : {}),
      ...(phase === 'expired' ? { error: { code: 4, message: 'The batch prediction job expired before it finished: the lines done are in the output.' } } : {}),
      createTime: iso(job.createdAt),
      ...(startedAt !== null ? { startTime: iso(startedAt) } : {}),
      ...(final && endedAt !== null ? { endTime: iso(endedAt) } : {}),
      updateTime: iso(now),
      ...(job.outputDirectory ? { outputInfo: { gcsOutputDirectory: job.outputDirectory } } : {}),
      ...(job.stats ? { completionStats: job.stats } : {}),
      modelVersionId: '1',
    };
  }

  /** The first `done` lines answered, written (last first: Vertex keeps no order) to predictions.jsonl. */
  private write(job: VertexJob, done: number): void {
    const prefix = job.body.outputConfig!.gcsDestination!.outputUriPrefix!.replace(/\/+$/, '');
    const directory = `${prefix}/prediction-model-${iso(this.now()).replace(/[:.]/g, '-')}`;
    let failed = 0;
    const lines: string[] = [];
    for (let index = done - 1; index >= 0; index--) {
      const request = job.requests[index]!;
      const answer = lineFails(job.knobs, index, fanoutKey(request)) ? { error: job.knobs.lineError ?? DEFAULT_LINE_ERROR } : this.answer(request, job.model);
      const processed = { processed_time: iso(this.now()), request };
      if ('error' in answer) {
        failed++;
        lines.push(JSON.stringify({ status: `${REASON[answer.error.code] ?? 'Error'}: ${JSON.stringify({ error: answer.error })}`, ...processed }));
      } else {
        lines.push(JSON.stringify({ status: '', ...processed, response: answer.response }));
      }
    }
    const { bucket, name } = splitGcs(directory);
    this.storage.put(bucket, `${name}/predictions.jsonl`, lines.join('\n') + (lines.length ? '\n' : ''), 'application/jsonl');
    job.outputDirectory = directory;
    job.stats = { successfulCount: String(done - failed), failedCount: String(failed), incompleteCount: String(job.lines - done) };
  }
}
