/**
 * One request → N deployments at once. Every deployment starts in the same tick, has its own
 * AbortSignal, a first-byte timeout, an idle timeout between chunks and an overall deadline.
 * Retries happen only before the first token, are bounded, honour retry-after and are reported.
 */
import type { AdapterLoader, ProviderAdapter, TransportOptions } from './adapter';
import type { CredentialResolver } from '../security/credential';
import type { Deployment, ProviderKind } from '../config/deployment';
import { costOf } from '../results/pricing';
import { providerError, type ChatRequest, type FinishReason, type ProviderError, type StreamPart, type Usage } from '../request/stream';

export type RunStatus = 'ok' | 'error' | 'timeout' | 'cancelled';

export interface Metrics {
  ttftMs: number | null;
  totalMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokensPerSecond: number | null;
  costUsd: number | null;
}

export interface DeploymentResult {
  deployment: string;
  /** A cloud provider, or `vscode-lm` for a chat model the editor itself offers (playground only). */
  provider: ProviderKind | 'vscode-lm';
  model: string;
  status: RunStatus;
  text: string;
  finishReason: FinishReason | null;
  metrics: Metrics;
  error: ProviderError | null;
  requestId: string | null;
  /** The model id the service said answered, when it differs from or refines `model`. */
  answeredModel: string | null;
  /** Retries made before the first token (each one was reported as a `retry` event). */
  retries: number;
  /** Time spent getting the credential (SSO, Entra, ADC…), kept out of ttft. */
  credentialMs: number;
  /** Where the credential came from, in words ("the key saved for https://…", "AWS profile \"dev\""); never the secret. */
  credentialSource: string | null;
  /** Why cost is null, or which rate was used. */
  costNote: string | null;
  cachedInputTokens: number | null;
}

export type FanoutEvent =
  | { type: 'start'; deployment: string }
  | { type: 'retry'; deployment: string; attempt: number; delayMs: number; error: ProviderError }
  | { type: 'part'; deployment: string; part: StreamPart; atMs: number }
  | { type: 'result'; result: DeploymentResult };

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retrying off). */
  maxRetries: number;
  baseDelayMs: number;
  /** A longer retry-after than this is not waited for: the error is reported instead. */
  maxDelayMs: number;
}

export interface FanoutOptions {
  loadAdapter: AdapterLoader;
  credentials: CredentialResolver;
  signal?: AbortSignal;
  /** Bounds each deployment from request to last byte, retries included. */
  timeoutMs?: number;
  /** Bounds the wait for the response to start (headers or first event). */
  firstByteTimeoutMs?: number;
  /** Bounds the gap between two chunks once the response has started. */
  idleTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  transport?: TransportOptions;
  onEvent?: (event: FanoutEvent) => void;
}

export const DEFAULTS = {
  timeoutMs: 120_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  retry: { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 20_000 } satisfies RetryPolicy,
};

const now = (): number => performance.now();
const round = (ms: number): number => Math.round(ms * 10) / 10;

export async function runFanout(request: ChatRequest, deployments: readonly Deployment[], options: FanoutOptions): Promise<DeploymentResult[]> {
  const adapters = new Map<ProviderKind, Promise<ProviderAdapter>>();
  const adapterFor = (kind: ProviderKind): Promise<ProviderAdapter> => {
    let loading = adapters.get(kind);
    if (!loading) {
      loading = options.loadAdapter(kind);
      adapters.set(kind, loading);
    }
    return loading;
  };
  return Promise.all(deployments.map((deployment) => runOne(request, deployment, options, adapterFor)));
}

type Outcome = { kind: 'part'; part: StreamPart } | { kind: 'done' } | { kind: 'idle' } | { kind: 'aborted' };

async function runOne(
  request: ChatRequest,
  deployment: Deployment,
  options: FanoutOptions,
  adapterFor: (kind: ProviderKind) => Promise<ProviderAdapter>,
): Promise<DeploymentResult> {
  const emit = options.onEvent ?? (() => {});
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const firstByteTimeoutMs = Math.min(options.firstByteTimeoutMs ?? DEFAULTS.firstByteTimeoutMs, timeoutMs);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
  const retry: RetryPolicy = { ...DEFAULTS.retry, ...options.retry };
  const mergedRequest: ChatRequest = { ...request, params: { ...deployment.params, ...request.params } };

  const run = new AbortController();
  let abortReason: 'cancelled' | 'timeout' | null = null;
  const cancel = (): void => {
    abortReason ??= 'cancelled';
    run.abort();
  };
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });

  const state = {
    text: '',
    usage: null as Usage | null,
    finishReason: null as FinishReason | null,
    requestId: null as string | null,
    answeredModel: null as string | null,
    error: null as ProviderError | null,
    ttftMs: null as number | null,
    totalMs: null as number | null,
    retries: 0,
    credentialMs: 0,
    credentialSource: null as string | null,
  };
  emit({ type: 'start', deployment: deployment.id });

  let deadline: NodeJS.Timeout | undefined;
  try {
    const credentialStart = now();
    const credential = await options.credentials.resolve(deployment, run.signal);
    state.credentialMs = round(now() - credentialStart);
    if (credential.ok) state.credentialSource = credential.credential.source;
    const networkProblem = options.transport?.network?.problem;
    if (!credential.ok) {
      state.error = credential.error;
    } else if (networkProblem) {
      state.error = providerError('bad_request', networkProblem, { retryable: false });
    } else if (!run.signal.aborted) {
      let adapter: ProviderAdapter | null = null;
      try {
        adapter = await adapterFor(deployment.provider);
      } catch (cause) {
        state.error = providerError('unknown', `Could not load the ${deployment.provider} provider: ${(cause as Error).message}`, { retryable: false });
      }
      if (adapter) {
        const sentAt = now();
        deadline = setTimeout(() => {
          abortReason ??= 'timeout';
          run.abort();
        }, Math.max(0, timeoutMs));
        await streamWithRetries(adapter, { deployment, request: mergedRequest, credential: credential.credential, transport: options.transport ?? {} });
        state.totalMs = round(now() - sentAt);

        async function streamWithRetries(
          streamer: ProviderAdapter,
          call: Omit<Parameters<ProviderAdapter['stream']>[0], 'signal'>,
        ): Promise<void> {
          for (let attempt = 0; ; attempt++) {
            const attemptAbort = new AbortController();
            const stopAttempt = (): void => attemptAbort.abort();
            run.signal.addEventListener('abort', stopAttempt, { once: true });
            if (run.signal.aborted) attemptAbort.abort();
            const failure = await readAttempt(streamer, { ...call, signal: attemptAbort.signal }, attemptAbort, sentAt);
            run.signal.removeEventListener('abort', stopAttempt);
            if (!failure) return;
            const remaining = timeoutMs - (now() - sentAt);
            const delayMs = failure.retryAfterMs ?? Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt * (0.8 + Math.random() * 0.4));
            const mayRetry = failure.retryable && state.text === '' && attempt < retry.maxRetries && !run.signal.aborted
              && delayMs <= retry.maxDelayMs && delayMs < remaining;
            if (!mayRetry) {
              state.error = failure;
              return;
            }
            state.retries++;
            emit({ type: 'retry', deployment: deployment.id, attempt: attempt + 1, delayMs: round(delayMs), error: failure });
            if (!(await sleep(delayMs, run.signal))) {
              state.error = abortError();
              return;
            }
          }
        }
      }
    }
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', cancel);
  }

  /** Reads one attempt to its end. Returns the error that ended it, or null when it finished. */
  async function readAttempt(
    adapter: ProviderAdapter,
    call: Parameters<ProviderAdapter['stream']>[0],
    attemptAbort: AbortController,
    sentAt: number,
  ): Promise<ProviderError | null> {
    const iterator = adapter.stream(call)[Symbol.asyncIterator]();
    let started = false;
    let finished = false;
    try {
      for (;;) {
        const outcome = await nextWithin(iterator, started ? idleTimeoutMs : firstByteTimeoutMs, run.signal);
        if (outcome.kind === 'aborted') return abortError();
        if (outcome.kind === 'idle') {
          attemptAbort.abort();
          return started
            ? providerError('timeout', `The stream stalled: no data for ${idleTimeoutMs / 1000} s after it started. The service may be overloaded; retry, or raise the idle timeout.`, { retryable: state.text === '' })
            : providerError('timeout', `No response within ${firstByteTimeoutMs / 1000} s of sending the request. Check the endpoint, or raise the first-byte timeout.`);
        }
        if (outcome.kind === 'done') {
          if (finished) return null;
          return providerError('network', 'The stream ended before the answer was complete (no finish event). The connection may have dropped; retry.', { retryable: state.text === '' });
        }
        started = true;
        const part = outcome.part;
        const atMs = now() - sentAt;
        switch (part.type) {
          case 'response-metadata':
            state.requestId = part.requestId ?? state.requestId;
            if (part.model) state.answeredModel = part.model;
            break;
          case 'text-delta':
            if (part.text === '') continue;
            if (state.ttftMs === null) state.ttftMs = round(atMs);
            state.text += part.text;
            break;
          case 'usage':
            state.usage = part.usage;
            break;
          case 'finish':
            finished = true;
            state.finishReason = part.reason;
            if (part.model) state.answeredModel = part.model;
            state.requestId = part.requestId ?? state.requestId;
            break;
          case 'error':
            if (run.signal.aborted) return abortError();
            state.requestId = part.error.requestId ?? state.requestId;
            return part.error;
        }
        emit({ type: 'part', deployment: deployment.id, part, atMs: round(atMs) });
      }
    } finally {
      if (!finished) attemptAbort.abort();
      void iterator.return?.()?.catch(() => {});
    }
  }

  function abortError(): ProviderError {
    return abortReason === 'timeout'
      ? providerError('timeout', `No complete answer within ${timeoutMs / 1000} s. Raise the timeout, or ask for fewer tokens.`, { retryable: false })
      : providerError('cancelled', 'Cancelled.', { retryable: false });
  }

  const result = toResult(deployment, state);
  emit({ type: 'result', result });
  return result;
}

function toResult(
  deployment: Deployment,
  state: { text: string; usage: Usage | null; finishReason: FinishReason | null; requestId: string | null; answeredModel: string | null;
    error: ProviderError | null; ttftMs: number | null; totalMs: number | null; retries: number; credentialMs: number; credentialSource: string | null },
): DeploymentResult {
  const cost = costOf(deployment, state.usage);
  const outputTokens = state.usage?.outputTokens ?? null;
  const generationMs = state.ttftMs !== null && state.totalMs !== null ? state.totalMs - state.ttftMs : null;
  const status: RunStatus = state.error === null ? 'ok' : state.error.kind === 'timeout' ? 'timeout' : state.error.kind === 'cancelled' ? 'cancelled' : 'error';
  return {
    deployment: deployment.id,
    provider: deployment.provider,
    model: deployment.model,
    status,
    text: state.text,
    finishReason: state.finishReason,
    metrics: {
      ttftMs: state.ttftMs,
      totalMs: state.totalMs,
      inputTokens: state.usage?.inputTokens ?? null,
      outputTokens,
      tokensPerSecond: outputTokens && generationMs && generationMs > 0 ? Math.round((outputTokens / (generationMs / 1000)) * 10) / 10 : null,
      costUsd: cost.costUsd,
    },
    error: state.error,
    requestId: state.requestId,
    answeredModel: state.answeredModel && state.answeredModel !== deployment.model ? state.answeredModel : null,
    retries: state.retries,
    credentialMs: state.credentialMs,
    credentialSource: state.credentialSource,
    costNote: cost.note,
    cachedInputTokens: state.usage?.cachedInputTokens ?? null,
  };
}

/** The next part, or why there is none: the stream ended, went idle past `limitMs`, or was aborted. */
function nextWithin(iterator: AsyncIterator<StreamPart>, limitMs: number, signal: AbortSignal): Promise<Outcome> {
  if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => settle({ kind: 'idle' }), limitMs);
    const onAbort = (): void => settle({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    function settle(outcome: Outcome): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    }
    iterator.next().then(
      (next) => settle(next.done ? { kind: 'done' } : { kind: 'part', part: next.value }),
      (cause: unknown) => settle({ kind: 'part', part: { type: 'error', error: providerError('unknown', `The provider adapter failed: ${(cause as Error)?.message ?? String(cause)}`) } }),
    );
  });
}

/** Resolves true after `ms`, false at once if the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
