/**
 * Bedrock batch inference (`fanout eval --batch`): the cases as JSONL in S3 (`{recordId, modelInput}`, Converse
 * bodies), a model invocation job through @aws-sdk/client-bedrock, and the `.jsonl.out` read back through
 * @aws-sdk/client-s3 — with the AWS credentials, region, `endpoint` and network settings the streaming adapter takes.
 * Loaded lazily, as its own chunk; the SDKs come from the shared Bedrock SDK chunk.
 */
import type { BatchAdapter, BatchCall, BatchItem, BatchJobRef, BatchOutcome } from '../../core/batch/batchAdapter';
import { isDirectDefault, proxyFor } from '../../core/engine/network';
import { providerError, type ProviderError } from '../../core/request/stream';
import { batchProblem, parseS3Uri, type S3Location } from './batchConfig';
import { batchEndpoints } from './batchEndpoints';
import { controlPlaneError, s3Error, type BatchErrorContext } from './batchErrors';
import { outcomeOf } from './batchOutput';
import { inputLine } from './batchRecords';
import { mapJobStatus } from './batchStatus';
import type { BedrockDeployment } from './descriptor';
import { bedrockOrigin } from './endpoint';
import { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, NodeHttpHandler, PutObjectCommand, S3Client, StopModelInvocationJobCommand } from './sdk';

/**
 * Bedrock's default batch quotas (docs.aws.amazon.com/general/latest/gr/bedrock.html, "Minimum number of records per
 * batch inference job", "Records per batch inference job", "Batch inference input file size"): adjustable per account
 * and model; these are the defaults every account starts with.
 */
const GB = 1024 ** 3;
export const BEDROCK_BATCH_LIMITS = { minItems: 100, maxItems: 50_000, maxBytes: 1 * GB };

type Call = BatchCall<BedrockDeployment>;
type Failure = { ok: false; error: ProviderError };

interface Clients {
  s3: S3Client;
  bedrock: BedrockClient;
  context: BatchErrorContext;
  location: S3Location;
  close(): void;
}

async function clientsFor(call: Call): Promise<{ ok: true; clients: Clients } | Failure> {
  const { deployment, credential } = call;
  const problem = batchProblem(deployment);
  if (problem) return { ok: false, error: providerError('bad_request', `Bedrock deployment "${deployment.id}": ${problem}`, { retryable: false }) };
  if (credential.type !== 'aws') {
    // a Bedrock API key is tried before the AWS sign-in, so a saved key (or AWS_BEARER_TOKEN_BEDROCK) is what came
    return { ok: false, error: providerError('auth', `Bedrock batch inference for "${deployment.id}" writes its cases to S3, which takes AWS credentials (a profile, SSO or AWS keys), not a Bedrock API key: unset AWS_BEARER_TOKEN_BEDROCK (CLI) or remove the saved Bedrock API key (editor) for batch runs, or use another deployment with a "profile".`, { retryable: false }) };
  }
  const endpoints = batchEndpoints(deployment.endpoint);
  const origin = endpoints.controlPlane ?? bedrockOrigin(deployment.region, undefined).replace('bedrock-runtime', 'bedrock');
  const network = call.transport.network;
  const requestHandler = isDirectDefault(network) ? undefined : new NodeHttpHandler((await import('../transport/network')).nodeAgentsFor(network!, origin));
  const common = {
    region: deployment.region,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, ...(credential.sessionToken ? { sessionToken: credential.sessionToken } : {}) },
    ...(requestHandler ? { requestHandler } : {}),
  };
  const s3 = new S3Client({ ...common, forcePathStyle: endpoints.forcePathStyle, ...(endpoints.s3 ? { endpoint: endpoints.s3 } : {}) });
  // the SDK would switch itself to bearer auth when AWS_BEARER_TOKEN_BEDROCK is set: the AWS credential chosen here wins
  const bedrock = new BedrockClient({ ...common, authSchemePreference: ['sigv4'], ...(endpoints.controlPlane ? { endpoint: endpoints.controlPlane } : {}) });
  const s3Uri = deployment.batch!.s3Uri;
  return {
    ok: true,
    clients: {
      s3,
      bedrock,
      location: parseS3Uri(s3Uri)!,
      context: { deploymentId: deployment.id, s3Uri, origin, proxy: proxyFor(origin, network) },
      close: () => {
        s3.destroy();
        bedrock.destroy();
      },
    },
  };
}

async function withClients<T>(call: Call, use: (clients: Clients) => Promise<T | Failure>): Promise<T | Failure> {
  const made = await clientsFor(call);
  if (!made.ok) return made;
  try {
    return await use(made.clients);
  } finally {
    made.clients.close();
  }
}

/** Bedrock's job names: letters, digits and hyphens, at most 63 characters. */
const jobNameOf = (name: string): string => name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'fanout-batch';
/** The folder Bedrock writes a job's output into, under the output prefix: the id at the end of its ARN. */
const jobIdOf = (jobArn: string): string => jobArn.slice(jobArn.lastIndexOf('/') + 1);

function splitS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  return { bucket: match?.[1] ?? '', key: match?.[2] ?? '' };
}

async function submit(call: Call, items: readonly BatchItem[], jobName: string) {
  const { deployment, signal } = call;
  const { minItems, maxItems, maxBytes } = BEDROCK_BATCH_LIMITS;
  if (items.length < minItems) {
    return { ok: false as const, error: providerError('bad_request', `Bedrock batch inference takes at least ${minItems} records per job, and deployment "${deployment.id}" has ${items.length} cases: run them streamed (without --batch), or add cases (more tests or a higher repeat).`, { retryable: false }) };
  }
  if (items.length > maxItems) {
    return { ok: false as const, error: providerError('bad_request', `Bedrock batch inference takes at most ${maxItems} records per job; this job has ${items.length}: split it into several jobs.`, { retryable: false }) };
  }
  const answerTools = new Set<string>();
  const lines = items.map((item) => {
    const built = inputLine(deployment.model, item);
    if (built.answerTool) answerTools.add(built.answerTool);
    return built.line;
  });
  const body = `${lines.join('\n')}\n`;
  const bytes = Buffer.byteLength(body);
  if (bytes > maxBytes) {
    return { ok: false as const, error: providerError('bad_request', `This Bedrock batch input is ${(bytes / 1024 ** 2).toFixed(0)} MB, over the ${maxBytes / GB} GB a file may hold: split it into several jobs.`, { retryable: false }) };
  }
  return withClients(call, async ({ s3, bedrock, location, context }) => {
    const name = jobNameOf(jobName);
    const folder = `${location.prefix}${name}/`;
    // the bucket first: a missing one, one we may not use, or one in another region is named before anything is written
    try {
      const head = await s3.send(new HeadBucketCommand({ Bucket: location.bucket }), { abortSignal: signal });
      if (head.BucketRegion && head.BucketRegion !== deployment.region) {
        return { ok: false as const, error: providerError('bad_request', `S3 bucket "${location.bucket}" (batch.s3Uri of deployment "${deployment.id}") is in ${head.BucketRegion}, and the deployment runs in ${deployment.region}: Bedrock batch reads and writes a bucket in the job's region. Choose a bucket in ${deployment.region}.`, { retryable: false }) };
      }
      await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: `${folder}input.jsonl`, Body: body, ContentType: 'application/jsonl' }), { abortSignal: signal });
    } catch (cause) {
      return { ok: false as const, error: s3Error(cause, location.bucket, context) };
    }
    const inputUri = `s3://${location.bucket}/${folder}input.jsonl`;
    const outputUri = `s3://${location.bucket}/${folder}output/`;
    try {
      const created = await bedrock.send(new CreateModelInvocationJobCommand({
        jobName: name,
        roleArn: deployment.batch!.roleArn,
        modelId: deployment.model,
        modelInvocationType: 'Converse',
        inputDataConfig: { s3InputDataConfig: { s3Uri: inputUri, s3InputFormat: 'JSONL' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: outputUri } },
      }), { abortSignal: signal });
      const job: BatchJobRef = { id: created.jobArn!, data: { inputUri, outputUri, answerTools: JSON.stringify([...answerTools]) } };
      return { ok: true as const, job };
    } catch (cause) {
      return { ok: false as const, error: controlPlaneError(cause, deployment.batch!.roleArn, context) };
    }
  });
}

async function status(call: Call, job: BatchJobRef) {
  return withClients(call, async ({ bedrock, context }) => {
    try {
      const described = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: job.id }), { abortSignal: call.signal });
      return { ok: true as const, status: mapJobStatus(described) };
    } catch (cause) {
      return { ok: false as const, error: controlPlaneError(cause, call.deployment.batch!.roleArn, context) };
    }
  });
}

async function fetchOutcomes(call: Call, job: BatchJobRef) {
  return withClients(call, async ({ s3, context }) => {
    const output = splitS3Uri(job.data.outputUri ?? '');
    const prefix = `${output.key}${jobIdOf(job.id)}/`;
    const answerTools = new Set<string>(JSON.parse(job.data.answerTools ?? '[]') as string[]);
    const outcomes = new Map<string, BatchOutcome>();
    try {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: output.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: call.signal });
        for (const object of page.Contents ?? []) {
          // one `<input file>.jsonl.out` per input file; manifest.json.out holds only counts
          if (!object.Key?.endsWith('.jsonl.out')) continue;
          const file = await s3.send(new GetObjectCommand({ Bucket: output.bucket, Key: object.Key }), { abortSignal: call.signal });
          const text = (await file.Body?.transformToString('utf8')) ?? '';
          for (const line of text.split('\n')) {
            const outcome = outcomeOf(line, call.deployment.id, answerTools);
            if (outcome && !outcomes.has(outcome.customId)) outcomes.set(outcome.customId, outcome);
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (cause) {
      return { ok: false as const, error: s3Error(cause, output.bucket, context) };
    }
    return { ok: true as const, outcomes: [...outcomes.values()] };
  });
}

async function cancel(call: Call, job: BatchJobRef) {
  return withClients(call, async ({ bedrock, context }) => {
    try {
      await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: job.id }), { abortSignal: call.signal });
      return { ok: true as const };
    } catch (cause) {
      return { ok: false as const, error: controlPlaneError(cause, call.deployment.batch!.roleArn, context) };
    }
  });
}

export const bedrockBatchAdapter: BatchAdapter<BedrockDeployment> = { limits: BEDROCK_BATCH_LIMITS, submit, status, fetch: fetchOutcomes, cancel };
