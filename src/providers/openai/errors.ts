/** What the `openai` SDK throws (API errors, aborts, time-outs, connection failures) as a ProviderError a person can act on. */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { providerError, type ProviderError } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure, retryAfterFrom } from '../transport/errorMapping';
import type { ChatCompletionsTarget } from './chatCompletions';

export function toProviderError(cause: unknown, target: Pick<ChatCompletionsTarget, 'service' | 'origin' | 'proxy'>, deploymentId: string, requestId: string | null): ProviderError {
  if (cause instanceof APIUserAbortError) return providerError('cancelled', 'Cancelled.', { retryable: false });
  if (cause instanceof APIConnectionTimeoutError) return providerError('timeout', `${target.service} did not answer in time.`);
  if (cause instanceof APIConnectionError) return fromConnectionFailure(target.service, deploymentId, target.origin, cause.cause ?? cause, target.proxy);
  if (cause instanceof APIError) {
    const body = (cause.error ?? {}) as { message?: string; code?: string | null; type?: string; innererror?: { code?: string } };
    const retryAfterMs = cause.headers ? retryAfterFrom((name) => cause.headers!.get(name)) : undefined;
    return fromServiceFailure({
      service: target.service,
      deploymentId,
      status: cause.status ?? null,
      code: body.innererror?.code ?? cause.code ?? body.code ?? cause.type ?? body.type ?? null,
      serverMessage: body.message ?? cause.message,
      requestId: cause.requestID ?? requestId,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if ((cause as Error)?.name === 'AbortError') return providerError('cancelled', 'Cancelled.', { retryable: false });
  return fromConnectionFailure(target.service, deploymentId, target.origin, cause, target.proxy);
}
