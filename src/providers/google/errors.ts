/** What @google/genai throws (API errors, errors inside the stream, malformed events, connection failures) as a ProviderError a person can act on. */
import { providerError, type ProviderError } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure } from '../transport/errorMapping';
import { ApiError } from './sdk';

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }> };
}

export function toProviderError(cause: unknown, service: string, deploymentId: string, origin: string, requestId: string | null, proxy: string | null): ProviderError {
  if ((cause as Error)?.name === 'AbortError' || (cause as Error)?.message?.includes('aborted')) return providerError('cancelled', 'Cancelled.', { retryable: false });
  if (cause instanceof ApiError) {
    const body = parseErrorBody(cause.message);
    const details = body?.error?.details ?? [];
    const retryDelay = details.find((detail) => detail['@type']?.endsWith('RetryInfo'))?.retryDelay;
    const seconds = retryDelay ? Number.parseFloat(retryDelay) : NaN;
    const reason = details.find((detail) => detail.reason)?.reason;
    return fromServiceFailure({
      service,
      deploymentId,
      status: cause.status,
      code: reason ?? body?.error?.status ?? null,
      serverMessage: body?.error?.message ?? cause.message,
      requestId,
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  const message = (cause as Error)?.message ?? '';
  const inStream = /^\s*\{"error"/.test(message) ? parseErrorBody(message) : null;
  if (inStream?.error) {
    return fromServiceFailure({ service, deploymentId, status: inStream.error.code ?? null, code: inStream.error.status ?? null, serverMessage: inStream.error.message ?? null, requestId });
  }
  if (cause instanceof SyntaxError) {
    return providerError('server', `${service} sent a malformed stream event that could not be read. Retry.`, { requestId });
  }
  return fromConnectionFailure(service, deploymentId, origin, cause, proxy);
}

function parseErrorBody(message: string): GoogleErrorBody | null {
  const start = message.indexOf('{');
  if (start < 0) return null;
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return null;
  }
}
