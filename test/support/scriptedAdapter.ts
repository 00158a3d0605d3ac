/**
 * A provider adapter that plays a script on a virtual clock, for testing the engine's timing logic
 * without sockets: each step yields a part, lets time pass, stalls until aborted, or throws.
 * Wire correctness is the emulators' job; this one says exactly when each part arrives.
 */
import type { ProviderAdapter, ProviderCall } from '../../src/core/engine/adapter';
import { sleep } from '../../src/core/engine/clock';
import { providerError, type ProviderError, type StreamPart } from '../../src/core/request/stream';
import type { VirtualClock } from './virtualClock';

export type Step = StreamPart | { wait: number } | { stall: true } | { throws: string };

/** What the adapter saw of one attempt, on the virtual clock. */
export interface ScriptedCall {
  deployment: string;
  /** 0 for the first attempt of that deployment. */
  attempt: number;
  sentAt: number;
  /** When the engine aborted the attempt's signal, if it did. */
  abortedAt: number | null;
}

export class ScriptedAdapter implements ProviderAdapter {
  readonly calls: ScriptedCall[] = [];

  /** `scripts`: per deployment id, one script per attempt; attempts past the last replay the last. */
  constructor(private readonly clock: VirtualClock, private readonly scripts: Record<string, Step[][]>) {}

  stream(call: ProviderCall): AsyncIterable<StreamPart> {
    const scripts = this.scripts[call.deployment.id];
    if (!scripts?.length) throw new Error(`no script for ${call.deployment.id}`);
    const attempt = this.calls.filter((seen) => seen.deployment === call.deployment.id).length;
    const seen: ScriptedCall = { deployment: call.deployment.id, attempt, sentAt: this.clock.now(), abortedAt: null };
    this.calls.push(seen);
    call.signal.addEventListener('abort', () => (seen.abortedAt = this.clock.now()), { once: true });
    return this.play(scripts[Math.min(attempt, scripts.length - 1)]!, call.signal);
  }

  private async *play(script: Step[], signal: AbortSignal): AsyncGenerator<StreamPart> {
    for (const step of script) {
      if ('wait' in step) {
        if (!(await sleep(this.clock, step.wait, signal))) return;
      } else if ('stall' in step) {
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        return;
      } else if ('throws' in step) {
        throw new Error(step.throws);
      } else {
        yield step;
      }
    }
  }
}

export const text = (value: string): StreamPart => ({ type: 'text-delta', text: value });
export const finish = (requestId = 'req_scripted'): StreamPart => ({ type: 'finish', reason: 'stop', requestId });
export const usage = (inputTokens: number, outputTokens: number): StreamPart => ({ type: 'usage', usage: { inputTokens, outputTokens } });
export const failure = (error: ProviderError): StreamPart => ({ type: 'error', error });
export const rateLimited = (retryAfterMs?: number): StreamPart =>
  failure(providerError('rate_limit', 'Rate limited (429).', { status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }));

/** A whole answer: `firstTokenMs` to the first token, then one token every `gapMs`, then usage and finish. */
export function answer({ firstTokenMs = 0, tokens = ['Hello', ' there'], gapMs = 0, inputTokens = 9 }: { firstTokenMs?: number; tokens?: string[]; gapMs?: number; inputTokens?: number } = {}): Step[] {
  const steps: Step[] = [{ type: 'response-metadata', requestId: 'req_scripted' }, { wait: firstTokenMs }];
  tokens.forEach((token, index) => steps.push(...(index > 0 ? [{ wait: gapMs }] : []), text(token)));
  return [...steps, usage(inputTokens, tokens.length), finish()];
}
