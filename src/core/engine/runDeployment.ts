/**
 * One deployment's run, as named steps: look up the credential (timed apart), check what would stop the
 * call before it is sent, load the adapter, start the deadline and run the attempts, then build the result.
 */
import type { Deployment, ProviderKind } from '../config/deployment';
import { providerError, type ChatRequest } from '../request/stream';
import type { ProviderAdapter } from './adapter';
import { runAttempts } from './attemptLoop';
import { realClock, roundMs } from './clock';
import { lookUpCredential } from './credentialLookup';
import { toResult, type DeploymentResult } from './deploymentResult';
import { checkStructuredOutput } from '../results/structuredOutput';
import { checkToolCalls } from '../results/toolCallCheck';
import { loadPrices } from '../results/pricing';
import { requestProblem } from '../request/requestProblems';
import { imageProblemFor } from '../../providers/registry';
import { limitsFrom, type FanoutOptions } from './fanoutOptions';
import { RunCancellation } from './runCancellation';
import { emptyRunRecord, type RunRecord } from './runRecord';

export type AdapterSource = (kind: ProviderKind) => Promise<ProviderAdapter>;

export async function runDeployment(request: ChatRequest, deployment: Deployment, options: FanoutOptions, adapterFor: AdapterSource): Promise<DeploymentResult> {
  const emit = options.onEvent ?? (() => {});
  const clock = options.clock ?? realClock;
  const limits = limitsFrom(options);
  const cancellation = new RunCancellation(options.signal, clock, limits.timeoutMs);
  const record = emptyRunRecord();
  emit({ type: 'start', deployment: deployment.id });

  try {
    // a request no cloud would take, or images this cloud would refuse, fail here, before a credential is looked up or a byte is sent
    const mistake = requestProblem(request) ?? imageProblemFor(request, deployment.provider);
    if (mistake) {
      record.error = providerError('bad_request', mistake, { retryable: false });
      return finish(deployment, record, request, emit);
    }
    const credential = await lookUpCredential(options.credentials, deployment, clock, cancellation.signal);
    record.credentialMs = credential.credentialMs;
    if (credential.result.ok) record.credentialSource = credential.result.credential.source;
    const networkProblem = options.transport?.network?.problem;
    if (!credential.result.ok) {
      record.error = credential.result.error;
    } else if (networkProblem) {
      record.error = providerError('bad_request', networkProblem, { retryable: false });
    } else if (!cancellation.signal.aborted) {
      const adapter = await loadAdapter(deployment, adapterFor, record);
      if (adapter) {
        const sentAt = clock.now();
        cancellation.startDeadline();
        const call = { deployment, request: withDeploymentParams(request, deployment), credential: credential.result.credential, transport: options.transport ?? {} };
        await runAttempts({ adapter, call, record, cancellation, limits, clock, sentAt, emit });
        record.totalMs = roundMs(clock.now() - sentAt);
      }
    } else {
      // cancelled while the credential was looked up: nothing was sent, and the result says so (not an empty "ok")
      record.error = cancellation.error();
    }
  } finally {
    cancellation.dispose();
  }

  return finish(deployment, record, request, emit);
}

/** The result, with its JSON answer and tool calls checked against the request, reported and returned. */
async function finish(deployment: Deployment, record: RunRecord, request: ChatRequest, emit: NonNullable<FanoutOptions['onEvent']>): Promise<DeploymentResult> {
  await loadPrices(); // the price data's chunk, loaded by the first answer a process prices
  const result = toResult(deployment, record);
  if (record.error === null) Object.assign(result, await checkStructuredOutput(result.text, request));
  result.toolCalls = await checkToolCalls(result.toolCalls, request);
  emit({ type: 'result', result });
  return result;
}

/** The request's own params win over the deployment's. */
function withDeploymentParams(request: ChatRequest, deployment: Deployment): ChatRequest {
  return { ...request, params: { ...deployment.params, ...request.params } };
}

/** The adapter, or null with the reason left in the record. */
async function loadAdapter(deployment: Deployment, adapterFor: AdapterSource, record: RunRecord): Promise<ProviderAdapter | null> {
  try {
    return await adapterFor(deployment.provider);
  } catch (cause) {
    record.error = providerError('unknown', `Could not load the ${deployment.provider} provider: ${(cause as Error).message}`, { retryable: false });
    return null;
  }
}
