/** What the AWS SDK throws (service exceptions, in-stream exceptions, connection failures) as a ProviderError a person can act on. */
import { providerError, type ProviderError } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure } from '../transport/errorMapping';

export const SERVICE = 'Amazon Bedrock';

export function toProviderError(cause: unknown, deploymentId: string, origin: string, requestId: string | null, proxy: string | null): ProviderError {
  const error = cause as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $retryable?: unknown };
  if (error?.name === 'AbortError') return providerError('cancelled', 'Cancelled.', { retryable: false });
  const status = error?.$metadata?.httpStatusCode ?? null;
  if (error?.$fault || status) {
    const code = error.name ?? null;
    if (code === 'ExpiredTokenException' || code === 'ExpiredToken') {
      return providerError('auth', `The AWS session for deployment "${deploymentId}" has expired. Refresh it (for SSO: aws sso login).`, { status, retryable: false, requestId: error.$metadata?.requestId ?? requestId });
    }
    return fromServiceFailure({
      service: SERVICE,
      deploymentId,
      status: status ?? statusOfStreamException(code),
      code,
      serverMessage: error.message ?? null,
      requestId: error.$metadata?.requestId ?? requestId,
    });
  }
  return fromConnectionFailure(SERVICE, deploymentId, origin, cause, proxy);
}

/** Exceptions inside a 200 stream carry no HTTP status; give them the status the same exception has before a stream. */
export function statusOfStreamException(name: string | null): number | null {
  switch (name) {
    case 'ThrottlingException': return 429;
    case 'ValidationException': return 400;
    case 'ServiceUnavailableException': return 503;
    case 'ModelTimeoutException': return 408;
    case 'InternalServerException': case 'ModelStreamErrorException': return 500;
    default: return null;
  }
}
