/**
 * What the transport saw of one attempt, filled in by the provider's transport events (src/providers/transport/phases.ts)
 * on the engine's clock, and turned into `metrics.phases` at the end. The engine names no transport: it only reads this.
 */
export type ConnectionUse = 'new' | 'reused';

export interface LatencyPhases {
  /** Engine start of the deployment (credential time taken out) to the transport starting: a connection, or the request on a kept one. */
  queueMs: number;
  /** Each its own span; null where the phase did not happen (a reused connection, an IP address, plain HTTP). */
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  /** From the request start, as ttft is. */
  headersMs: number | null;
  ttftMs: number | null;
  /** First token to the end. */
  streamMs: number | null;
}

export class CallTrace {
  connection: ConnectionUse | null = null;
  /** When the transport began this call: the new connection's start, or the request sent on a reused one. */
  leftAt: number | null = null;
  dnsMs: number | null = null;
  connectMs: number | null = null;
  tlsMs: number | null = null;
  headersAt: number | null = null;
  /** Set-up spans some transports can only read once their events are delivered (after the fact). */
  settle: (() => void) | null = null;

  constructor(readonly now: () => number) {}

  /** The phases, or null when no transport event was seen (a scripted adapter, an error before sending). */
  phases(sentAt: number, queuedBeforeSendMs: number, ttftMs: number | null, totalMs: number | null): LatencyPhases | null {
    this.settle?.();
    this.settle = null;
    if (this.connection === null || this.leftAt === null) return null;
    const round = (ms: number | null): number | null => (ms === null ? null : Math.round(Math.max(0, ms) * 10) / 10);
    return {
      queueMs: round(queuedBeforeSendMs + this.leftAt - sentAt)!,
      dnsMs: round(this.dnsMs),
      connectMs: round(this.connectMs),
      tlsMs: round(this.tlsMs),
      headersMs: round(this.headersAt === null ? null : this.headersAt - sentAt),
      ttftMs,
      streamMs: ttftMs !== null && totalMs !== null ? round(totalMs - ttftMs) : null,
    };
  }
}
