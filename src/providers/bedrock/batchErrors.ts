/**
 * What S3 and the Bedrock control plane answer, as a ProviderError that names the setting to change: a missing or
 * refused bucket, a bucket in another region, a role Bedrock cannot assume. Anything else reads as the streaming
 * adapter's errors do.
 */
import { providerError, type ProviderError } from '../../core/request/stream';
import { sanitiseServerMessage } from '../transport/errorMapping';
import { toProviderError } from './errors';

export interface BatchErrorContext {
  deploymentId: string;
  /** The deployment's `batch.s3Uri`. */
  s3Uri: string;
  origin: string;
  proxy: string | null;
}

interface AwsFailure {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

export function s3Error(cause: unknown, bucket: string, context: BatchErrorContext): ProviderError {
  const failure = cause as AwsFailure;
  const status = failure?.$metadata?.httpStatusCode ?? null;
  const code = failure?.Code ?? failure?.name ?? '';
  const requestId = failure?.$metadata?.requestId ?? null;
  // a credential S3 does not take reads as the runtime's auth errors do
  if (/SignatureDoesNotMatch|InvalidAccessKeyId|ExpiredToken|RequestTimeTooSkewed|InvalidToken/.test(code)) return toProviderError(cause, context.deploymentId, context.origin, requestId, context.proxy);
  const where = `S3 bucket "${bucket}" (batch.s3Uri "${context.s3Uri}" of deployment "${context.deploymentId}")`;
  if (code === 'NoSuchBucket' || (code === 'NotFound' && status === 404)) {
    return providerError('not_found', `${where} does not exist. Create it in the deployment's region, or correct batch.s3Uri.`, { status, requestId, retryable: false });
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    // a HEAD answer has no body: a refused policy and a wrong secret both read as a bare 403 there
    return providerError('permission', `${where} refused your AWS identity (${code || status}). Check that the AWS credential is valid, and grant it s3:ListBucket, s3:PutObject and s3:GetObject on ${context.s3Uri}, or choose a bucket it may use.`, { status, requestId, retryable: false });
  }
  return toProviderError(cause, context.deploymentId, context.origin, requestId, context.proxy);
}

export function controlPlaneError(cause: unknown, roleArn: string, context: BatchErrorContext): ProviderError {
  const failure = cause as AwsFailure;
  const status = failure?.$metadata?.httpStatusCode ?? null;
  const requestId = failure?.$metadata?.requestId ?? null;
  const said = sanitiseServerMessage(failure?.message);
  if (failure?.name === 'ValidationException' && /role|assume|trust|permission|s3/i.test(said)) {
    return providerError('bad_request', `Amazon Bedrock refused the batch job of deployment "${context.deploymentId}": "${said}". Check batch.roleArn "${roleArn}": the role must trust bedrock.amazonaws.com and may read and write ${context.s3Uri}.`, { status, requestId, retryable: false });
  }
  if (failure?.name === 'AccessDeniedException' && /iam:PassRole/i.test(said)) {
    return providerError('permission', `Amazon Bedrock refused the batch job of deployment "${context.deploymentId}": your AWS identity may not pass batch.roleArn "${roleArn}" to Bedrock. Allow it iam:PassRole on that role (for bedrock.amazonaws.com). AWS said: "${said}"`, { status, requestId, retryable: false });
  }
  if (failure?.name === 'ServiceQuotaExceededException') {
    return providerError('quota', `Amazon Bedrock refused the batch job of deployment "${context.deploymentId}": "${said}". Wait for running batch jobs to finish, or ask for a higher quota.`, { status, requestId, retryable: false });
  }
  return toProviderError(cause, context.deploymentId, context.origin, requestId, context.proxy);
}
