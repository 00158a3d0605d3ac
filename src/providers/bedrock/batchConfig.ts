/**
 * What a Bedrock deployment needs for batch inference (`fanout eval --batch`): an S3 location the input is written to
 * and the output read from, and the service role Bedrock assumes to read and write it. Cheap to import: no SDK, no zod
 * (the batch chunk uses it too); the config field's schema is in batchField.ts.
 */
/** A bucket name (3–63 lower-case letters, digits, dots, hyphens) and an optional key prefix. */
export const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;
/** An IAM role in any partition, with or without a path: arn:aws:iam::123456789012:role/path/name. */
export const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso[a-z-]*)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export interface BedrockBatchSettings {
  batch?: { s3Uri: string; roleArn: string } | undefined;
  id: string;
}

export interface S3Location {
  bucket: string;
  /** The key prefix, without a leading slash, ending in "/" unless empty. */
  prefix: string;
}

export function parseS3Uri(uri: string): S3Location | null {
  const match = S3_URI.exec(uri);
  if (!match || match[1]!.includes('..')) return null;
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : '' };
}

/**
 * Why this deployment cannot be sent as a Bedrock batch, naming the field and the fix; null when it can. The caller
 * names the deployment.
 */
export function batchProblem(deployment: BedrockBatchSettings): string | null {
  if (!deployment.batch) {
    return 'Bedrock batch inference needs an S3 location and a service role: add "batch": {"s3Uri": "s3://bucket/prefix", "roleArn": "arn:aws:iam::123456789012:role/…"} to the deployment (a role Bedrock can assume, with read and write on that location)';
  }
  if (!parseS3Uri(deployment.batch.s3Uri)) return `batch.s3Uri "${deployment.batch.s3Uri}" is not an S3 location: write it as "s3://bucket/prefix".`;
  if (!ROLE_ARN.test(deployment.batch.roleArn)) return `batch.roleArn "${deployment.batch.roleArn}" is not an IAM role ARN: write it as "arn:aws:iam::<12-digit account>:role/<name>".`;
  return null;
}
