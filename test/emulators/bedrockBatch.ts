/**
 * Bedrock's batch control plane (REST JSON, SigV4 service `bedrock`): CreateModelInvocationJob, GetModelInvocationJob
 * and StopModelInvocationJob, with jobs that move through their real states over time — Submitted → Validating →
 * Scheduled → InProgress → Completed | PartiallyCompleted | Failed | Expired, or Stopping → Stopped — and write their
 * output into the S3 emulator as Bedrock does: `<output prefix>/<job id>/<input file>.out` in shuffled order, error
 * records in place of answers, and `manifest.json.out` with the counts. Answers come from the same planner as the
 * streaming emulator. States advance when a request looks (no timers), so a test never waits on a background clock.
 */
import { randomBytes } from 'node:crypto';
import { promptTokens, type Behaviour } from './behaviour';
import { conversationOf, refusedConverse, type ConverseBlock, type ConverseInput } from './bedrock';
import { planAnswer } from './conversation';
import type { S3Store } from './s3';

export interface BatchJobKnobs {
  /** Time in each of Submitted, Validating, Scheduled and Stopping. */
  stateMs: number;
  /** Time InProgress (make it long to stop a job while it runs). */
  runMs: number;
  /** Time Stopping (default stateMs). */
  stoppingMs?: number;
  /** Role ARNs Bedrock can assume; any other is refused at create as AWS refuses it. */
  roles: string[];
  /** The caller may not pass the role to Bedrock (iam:PassRole): AccessDeniedException at create. */
  passRoleDenied?: boolean;
  /** The job runs out of time after this many records: Expired, with those written. */
  expireAfter?: number;
  /** A stopped job has answered this many records (default: half if it was running, else none). */
  stopKeeps?: number;
  /** A record's error instead of its answer (by its place in the input file, and its recordId). */
  failRecord?: (index: number, recordId: string) => { errorCode: number; errorMessage: string } | null;
  /** Bedrock's default quota. */
  minRecords: number;
  /** How each record is answered (the streaming emulator's knobs: tokens, text, cached tokens, …). */
  behaviour?: Behaviour;
}

const FINAL = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);
const ACCOUNT = '123456789012';

interface Job {
  id: string;
  arn: string;
  name: string;
  region: string;
  request: { jobName: string; roleArn: string; modelId: string; clientRequestToken?: string; modelInvocationType?: string; inputDataConfig: { s3InputDataConfig: { s3Uri: string } }; outputDataConfig: { s3OutputDataConfig: { s3Uri: string } } };
  status: string;
  enteredAt: number;
  submitTime: Date;
  lastModifiedTime: Date;
  endTime?: Date;
  message?: string;
  ranBeforeStop: boolean;
  counts?: { total: number; processed: number; success: number; error: number };
}

export type ControlPlaneAnswer = { status: number; body: unknown } | { status: number; error: string; message: string };

export class BatchJobs {
  readonly jobs = new Map<string, Job>();

  constructor(private readonly s3: S3Store, public knobs: BatchJobKnobs) {}

  handle(method: string, rawPath: string, body: Buffer, region: string): ControlPlaneAnswer {
    const path = rawPath.split('?')[0]!;
    if (method === 'POST' && path === '/model-invocation-job') return this.create(JSON.parse(body.toString('utf8') || '{}'), region);
    const match = /^\/model-invocation-job\/([^/]+)(\/stop)?$/.exec(path);
    if (!match) return { status: 404, error: 'UnknownOperationException', message: `Unknown operation ${method} ${path}` };
    const identifier = decodeURIComponent(match[1]!);
    const job = [...this.jobs.values()].find((candidate) => candidate.arn === identifier || candidate.id === identifier);
    if (!job) return { status: 404, error: 'ResourceNotFoundException', message: `The specified job ${identifier} could not be found.` };
    this.advance(job);
    if (method === 'POST' && match[2]) return this.stop(job);
    if (method === 'GET' && !match[2]) return { status: 200, body: describe(job) };
    return { status: 404, error: 'UnknownOperationException', message: `Unknown operation ${method} ${path}` };
  }

  /** Brings every job's state up to now (S3 reads call this, so output appears when its job finishes). */
  advanceAll(): void {
    for (const job of this.jobs.values()) this.advance(job);
  }

  private create(request: Job['request'], region: string): ControlPlaneAnswer {
    const again = [...this.jobs.values()].find((job) => request.clientRequestToken && job.request.clientRequestToken === request.clientRequestToken);
    if (again) return { status: 200, body: { jobArn: again.arn } };
    if (!request.jobName || !request.roleArn || !request.modelId || !request.inputDataConfig?.s3InputDataConfig?.s3Uri || !request.outputDataConfig?.s3OutputDataConfig?.s3Uri) {
      return { status: 400, error: 'ValidationException', message: '1 validation error detected: a required member is missing (jobName, roleArn, modelId, inputDataConfig, outputDataConfig).' };
    }
    if (!/^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/.test(request.jobName)) {
      return { status: 400, error: 'ValidationException', message: `1 validation error detected: Value '${request.jobName}' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}` };
    }
    if (this.knobs.passRoleDenied) {
      return { status: 403, error: 'AccessDeniedException', message: `User: arn:aws:iam::${ACCOUNT}:user/fanout-test is not authorized to perform: iam:PassRole on resource: ${request.roleArn} because no identity-based policy allows the iam:PassRole action` };
    }
    if (!this.knobs.roles.includes(request.roleArn)) return { status: 400, error: 'ValidationException', message: 'Could not assume provided IAM role. Check that the role exists and that its trust policy allows bedrock.amazonaws.com to assume it.' };
    const id = randomBytes(6).toString('hex');
    const now = new Date();
    const job: Job = { id, arn: `arn:aws:bedrock:${region}:${ACCOUNT}:model-invocation-job/${id}`, name: request.jobName, region, request, status: 'Submitted', enteredAt: Date.now(), submitTime: now, lastModifiedTime: now, ranBeforeStop: false };
    this.jobs.set(id, job);
    return { status: 200, body: { jobArn: job.arn } };
  }

  private stop(job: Job): ControlPlaneAnswer {
    if (FINAL.has(job.status) || job.status === 'Stopping') return { status: 400, error: 'ValidationException', message: `The job ${job.arn} is in status ${job.status} and cannot be stopped.` };
    job.ranBeforeStop = job.status === 'InProgress';
    this.enter(job, 'Stopping', Date.now());
    return { status: 200, body: {} };
  }

  private enter(job: Job, status: string, at: number, message?: string): void {
    job.status = status;
    job.enteredAt = at;
    job.lastModifiedTime = new Date(at);
    if (message) job.message = message;
    if (FINAL.has(status)) job.endTime = new Date(at);
  }

  private advance(job: Job): void {
    const now = Date.now();
    while (!FINAL.has(job.status)) {
      const due = job.enteredAt + (job.status === 'InProgress' ? this.knobs.runMs : job.status === 'Stopping' ? this.knobs.stoppingMs ?? this.knobs.stateMs : this.knobs.stateMs);
      if (now < due) return;
      switch (job.status) {
        case 'Submitted': this.enter(job, 'Validating', due); break;
        case 'Validating': {
          const problem = this.validate(job);
          if (problem) this.enter(job, 'Failed', due, problem);
          else this.enter(job, 'Scheduled', due);
          break;
        }
        case 'Scheduled': this.enter(job, 'InProgress', due); break;
        case 'InProgress': {
          const expire = this.knobs.expireAfter !== undefined;
          const written = this.run(job, expire ? { records: this.knobs.expireAfter! } : { share: 1 });
          this.enter(job, expire ? 'Expired' : written.error ? 'PartiallyCompleted' : 'Completed', due, expire ? 'The job timed out before all records were processed.' : undefined);
          break;
        }
        case 'Stopping':
          this.run(job, this.knobs.stopKeeps !== undefined ? { records: this.knobs.stopKeeps } : { share: job.ranBeforeStop ? 0.5 : 0 });
          this.enter(job, 'Stopped', due);
          break;
        default: return;
      }
    }
  }

  /** Null when the job can run; else why it fails validation, in Bedrock's words. */
  private validate(job: Job): string | null {
    const input = s3Parts(job.request.inputDataConfig.s3InputDataConfig.s3Uri);
    const output = s3Parts(job.request.outputDataConfig.s3OutputDataConfig.s3Uri);
    for (const bucket of [input.bucket, output.bucket]) {
      if (!this.s3.knobs.buckets[bucket] || this.s3.knobs.denied?.includes(bucket)) return `Bedrock could not access the S3 bucket ${bucket} with the provided role. Check the role's permissions and the bucket policy.`;
    }
    const files = input.key.endsWith('.jsonl') ? [input.key] : this.s3.keys(input.bucket, input.key).filter((key) => key.endsWith('.jsonl'));
    if (!files.length || !files.every((key) => this.s3.get(input.bucket, key))) return `No .jsonl input file was found at ${job.request.inputDataConfig.s3InputDataConfig.s3Uri}.`;
    const records = files.reduce((sum, key) => sum + this.s3.get(input.bucket, key)!.body.toString('utf8').split('\n').filter((line) => line.trim()).length, 0);
    if (records < this.knobs.minRecords) return `The number of records in the input (${records}) is less than the minimum number of records (${this.knobs.minRecords}) required for a batch inference job.`;
    return null;
  }

  /** Answers the first records (a share of each file, or a number in all) and writes the output files and the manifest. */
  private run(job: Job, take: { share: number } | { records: number }): { success: number; error: number } {
    const input = s3Parts(job.request.inputDataConfig.s3InputDataConfig.s3Uri);
    const output = s3Parts(job.request.outputDataConfig.s3OutputDataConfig.s3Uri);
    const folder = `${output.key.replace(/\/?$/, '/')}${job.id}/`.replace(/^\//, '');
    const files = input.key.endsWith('.jsonl') ? [input.key] : this.s3.keys(input.bucket, input.key).filter((key) => key.endsWith('.jsonl'));
    const counts = { total: 0, success: 0, error: 0, inputTokens: 0, outputTokens: 0 };
    let left = 'records' in take ? take.records : Infinity;
    for (const key of files) {
      const lines = this.s3.get(input.bucket, key)!.body.toString('utf8').split('\n').filter((line) => line.trim());
      counts.total += lines.length;
      const count = 'share' in take ? Math.floor(lines.length * take.share) : Math.min(left, lines.length);
      left -= count;
      const done = lines.slice(0, count).map((line, index) => {
        const record = JSON.parse(line) as { recordId?: string; modelInput: ConverseInput };
        const recordId = record.recordId ?? randomBytes(6).toString('hex').toUpperCase();
        const failed = this.knobs.failRecord?.(index, recordId) ?? refusal(record.modelInput, job.request.modelId);
        if (failed) {
          counts.error++;
          return JSON.stringify({ recordId, modelInput: record.modelInput, error: failed });
        }
        const modelOutput = answer(record.modelInput, job.request.modelId, this.knobs.behaviour ?? {});
        counts.success++;
        counts.inputTokens += modelOutput.usage.inputTokens;
        counts.outputTokens += modelOutput.usage.outputTokens;
        return JSON.stringify({ recordId, modelInput: record.modelInput, modelOutput });
      });
      // "The order of records in the output JSONL file is not guaranteed to match the order of records in the input"
      if (done.length) this.s3.put(output.bucket, `${folder}${key.slice(key.lastIndexOf('/') + 1)}.out`, Buffer.from(`${shuffled(done).join('\n')}\n`), 'application/octet-stream');
    }
    const processed = counts.success + counts.error;
    job.counts = { total: counts.total, processed, success: counts.success, error: counts.error };
    this.s3.put(output.bucket, `${folder}manifest.json.out`, Buffer.from(JSON.stringify({ totalRecordCount: counts.total, processedRecordCount: processed, successRecordCount: counts.success, errorRecordCount: counts.error, inputTokenCount: counts.inputTokens, outputTokenCount: counts.outputTokens })));
    return counts;
  }
}

function describe(job: Job): Record<string, unknown> {
  const { request } = job;
  return {
    jobArn: job.arn, jobName: job.name, modelId: request.modelId, roleArn: request.roleArn, status: job.status,
    ...(job.message ? { message: job.message } : {}),
    submitTime: job.submitTime.toISOString(), lastModifiedTime: job.lastModifiedTime.toISOString(),
    ...(job.endTime ? { endTime: job.endTime.toISOString() } : {}),
    inputDataConfig: request.inputDataConfig, outputDataConfig: request.outputDataConfig,
    modelInvocationType: request.modelInvocationType ?? 'InvokeModel', timeoutDurationInHours: 24,
    jobExpirationTime: new Date(job.submitTime.getTime() + 24 * 3_600_000).toISOString(),
    ...(job.counts ? { totalRecordCount: job.counts.total, processedRecordCount: job.counts.processed, successRecordCount: job.counts.success, errorRecordCount: job.counts.error } : {}),
  };
}

const s3Parts = (uri: string): { bucket: string; key: string } => {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return { bucket: match?.[1] ?? '', key: match?.[2] ?? '' };
};

function refusal(input: ConverseInput, modelId: string): { errorCode: number; errorMessage: string } | null {
  const refused = refusedConverse(input, modelId);
  return refused ? { errorCode: 400, errorMessage: refused } : null;
}

/** A Converse response body for one record, planned as the streaming emulator plans its answers. */
function answer(input: ConverseInput, modelId: string, behaviour: Behaviour): { output: { message: { role: string; content: ConverseBlock[] } }; stopReason: string; usage: { inputTokens: number; outputTokens: number; totalTokens: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number }; metrics: { latencyMs: number } } {
  const blocks: ConverseBlock[] = [...(input.system ?? []), ...(input.messages ?? []).flatMap((message) => message.content ?? [])];
  const inputTokens = promptTokens(blocks.map((block) => block.text ?? block.toolResult?.content?.map((part) => part.text ?? '').join('') ?? '').join('\n'));
  const plan = planAnswer(conversationOf(input), behaviour, modelId);
  const content: ConverseBlock[] = plan.kind === 'tool-call'
    ? [{ toolUse: { toolUseId: `tooluse_${randomBytes(11).toString('hex')}`, name: plan.name, input: JSON.parse(plan.argumentFragments.join('')) } }]
    : [{ text: plan.tokens.join('') }];
  const outputTokens = plan.kind === 'tool-call' ? plan.argumentFragments.length : plan.tokens.length;
  const cached = behaviour.cachedInputTokens ?? 0;
  const cacheWrite = behaviour.cacheWriteTokens ?? 0;
  const stopReason = behaviour.contentFilter ? 'content_filtered' : behaviour.finishLength ? 'max_tokens' : plan.kind === 'tool-call' ? 'tool_use' : 'end_turn';
  return {
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage: { inputTokens: inputTokens - cached - cacheWrite, outputTokens, totalTokens: inputTokens + outputTokens, ...(cached || cacheWrite ? { cacheReadInputTokens: cached, cacheWriteInputTokens: cacheWrite } : {}) },
    metrics: { latencyMs: 40 + outputTokens },
  };
}

/** The same records in another order, the same each run (a seeded Fisher–Yates). */
function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  let seed = 0x9e3779b9;
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

