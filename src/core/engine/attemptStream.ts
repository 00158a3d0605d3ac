/**
 * Reads one attempt's stream to its end: the first part must come within the first-byte timeout,
 * each next one within the idle timeout, and the run's cancellation (cancel, deadline) ends it at once.
 */
import { providerError, type ProviderError } from '../request/stream';
import type { DeploymentRun } from './deploymentRun';
import { PartWaiter } from './nextPart';
import { recordPart } from './runRecord';
import { roundMs } from './clock';
import { CallTrace } from './callTrace';

/** Returns the error that ended the attempt, or null when it finished. `attemptAbort` is aborted whenever it did not finish. */
export async function readAttempt(run: DeploymentRun, attemptAbort: AbortController): Promise<ProviderError | null> {
  const { record, cancellation, limits, clock } = run;
  record.trace = new CallTrace(() => clock.now());
  const iterator = run.adapter.stream({ ...run.call, signal: attemptAbort.signal, trace: record.trace })[Symbol.asyncIterator]();
  const waiter = new PartWaiter(iterator, cancellation.signal, clock);
  let started = false;
  let finished = false;
  try {
    for (;;) {
      const next = await waiter.next(started ? limits.idleTimeoutMs : limits.firstByteTimeoutMs);
      if (next.kind === 'aborted') return cancellation.error();
      if (next.kind === 'idle') {
        attemptAbort.abort();
        return started
          ? providerError('timeout', `The stream stalled: no data for ${limits.idleTimeoutMs / 1000} s after it started. The service may be overloaded; retry, or raise the idle timeout.`, { retryable: !record.outputStarted })
          : providerError('timeout', `No response within ${limits.firstByteTimeoutMs / 1000} s of sending the request. Check the endpoint, or raise the first-byte timeout.`);
      }
      if (next.kind === 'done') {
        if (finished) return null;
        return providerError('network', 'The stream ended before the answer was complete (no finish event). The connection may have dropped; retry.', { retryable: !record.outputStarted });
      }
      started = true;
      const part = next.part;
      const atMs = clock.now() - run.sentAt;
      if (part.type === 'error') {
        if (cancellation.signal.aborted) return cancellation.error();
        record.requestId = part.error.requestId ?? record.requestId;
        return part.error;
      }
      if (!recordPart(record, part, atMs)) continue;
      if (part.type === 'finish') finished = true;
      run.emit({ type: 'part', deployment: run.call.deployment.id, part, atMs: roundMs(atMs) });
    }
  } finally {
    waiter.dispose();
    if (!finished) attemptAbort.abort();
    void iterator.return?.()?.catch(() => {});
  }
}
