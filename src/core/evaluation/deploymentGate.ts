/**
 * Fair load on one deployment: at most `concurrency` requests in flight, optional requests and tokens per minute
 * (sliding one-minute windows), and a pause for the whole deployment when the cloud says 429 with a retry-after —
 * not only for the case that got it. Waiters are served in order. Time comes from the clock handed in.
 */
import type { Clock } from '../engine/clock';
import type { DeploymentLimits } from './suite';

const MINUTE_MS = 60_000;

export interface GateTicket {
  startedAt: number;
  tokens: number;
}

interface Waiter {
  tokens: number;
  resolve: (ticket: GateTicket | null) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class DeploymentGate {
  private inFlight = 0;
  private pausedUntil = 0;
  private readonly waiters: Waiter[] = [];
  /** Starts in the last minute, with their tokens (estimated, then what the answer used). */
  private readonly window: GateTicket[] = [];
  private cancelTimer: (() => void) | null = null;
  private timerAt = Infinity;
  /** The most requests that were ever in flight at once. */
  maxInFlight = 0;

  constructor(private readonly limits: DeploymentLimits, private readonly clock: Clock) {}

  /** Resolves with a ticket once this deployment may send a request of about `tokens`; null if the signal aborts first. */
  acquire(tokens: number, signal?: AbortSignal): Promise<GateTicket | null> {
    if (signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = { tokens, resolve, signal, onAbort: () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(null);
        this.pump();
      } };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** The request is over: its slot frees, and its window entry takes the tokens it really used (when known). */
  release(ticket: GateTicket, usedTokens?: number | null): void {
    this.inFlight--;
    if (typeof usedTokens === 'number' && usedTokens >= 0) ticket.tokens = usedTokens;
    this.pump();
  }

  /** The cloud asked for a pause (429 retry-after): no request on this deployment starts before it ends. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.pump();
  }

  get running(): number {
    return this.inFlight;
  }

  private pump(): void {
    for (;;) {
      const head = this.waiters[0];
      if (!head || this.inFlight >= this.limits.concurrency) return;
      const now = this.clock.now();
      while (this.window.length && this.window[0]!.startedAt <= now - MINUTE_MS) this.window.shift();
      const readyAt = this.readyAt(head.tokens, now);
      if (readyAt > now) {
        this.wakeAt(readyAt);
        return;
      }
      this.waiters.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      const ticket = { startedAt: now, tokens: head.tokens };
      if (this.limits.requestsPerMinute !== undefined || this.limits.tokensPerMinute !== undefined) this.window.push(ticket);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      head.resolve(ticket);
    }
  }

  /** When a request of `tokens` may start, given the pause and both windows (`now` when it may start at once). */
  private readyAt(tokens: number, now: number): number {
    let at = Math.max(now, this.pausedUntil);
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.limits;
    if (rpm !== undefined && this.window.length >= rpm) at = Math.max(at, this.window[this.window.length - rpm]!.startedAt + MINUTE_MS);
    if (tpm !== undefined && this.window.length) {
      // the oldest starts must leave the window until what remains plus this request fits (a request larger than
      // the whole budget still runs, alone)
      let used = this.window.reduce((sum, entry) => sum + entry.tokens, 0);
      for (const entry of this.window) {
        if (used + tokens <= tpm) break;
        used -= entry.tokens;
        at = Math.max(at, entry.startedAt + MINUTE_MS);
      }
    }
    return at;
  }

  private wakeAt(at: number): void {
    if (this.cancelTimer && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.clock.schedule(at - this.clock.now(), () => {
      this.cancelTimer = null;
      this.timerAt = Infinity;
      this.pump();
    });
  }

  /** Cancels the wake-up timer (a finished run leaves none behind). */
  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
  }
}
