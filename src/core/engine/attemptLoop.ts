/** Sends one deployment's call, retrying only before the first token, honouring retry-after, within the retry bound and the deadline. */
import type { DeploymentRun } from './deploymentRun';
import { readAttempt } from './attemptStream';
import { retryDelayMs } from './retryDelay';
import { roundMs, sleep } from './clock';

/** Runs attempts until one finishes or an error is to be reported; leaves that error in the run's record. */
export async function runAttempts(run: DeploymentRun): Promise<void> {
  const { record, cancellation, clock } = run;
  for (let attempt = 0; ; attempt++) {
    const attemptAbort = new AbortController();
    const stopAttempt = (): void => attemptAbort.abort();
    cancellation.signal.addEventListener('abort', stopAttempt, { once: true });
    if (cancellation.signal.aborted) attemptAbort.abort();
    const failure = await readAttempt(run, attemptAbort);
    cancellation.signal.removeEventListener('abort', stopAttempt);
    if (!failure) return;
    const delayMs = retryDelayMs({
      error: failure,
      attempt,
      outputStarted: record.outputStarted,
      remainingMs: run.limits.timeoutMs - (clock.now() - run.sentAt),
      aborted: cancellation.signal.aborted,
    }, run.limits.retry);
    if (delayMs === null) {
      record.error = failure;
      return;
    }
    record.retries++;
    run.emit({ type: 'retry', deployment: run.call.deployment.id, attempt: attempt + 1, delayMs: roundMs(delayMs), error: failure });
    if (!(await sleep(clock, delayMs, cancellation.signal))) {
      record.error = cancellation.error();
      return;
    }
  }
}
