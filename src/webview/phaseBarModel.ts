/**
 * Where one answer's time went, as the column's stacked bar shows it: set-up (DNS + connect + TLS: the network's
 * and this machine's time, not the cloud's), waiting for the server (headers − set-up), the first token (ttft −
 * headers) and streaming (first token to the end). Pure, so a table can test it; `phaseBar.ts` draws it.
 */
import { formatMs } from '../core/results/format';
import type { ColumnMetrics, LatencyPhases } from '../protocol';

export type PhaseKey = 'setup' | 'waiting' | 'first' | 'streaming';

export interface PhaseSegment {
  key: PhaseKey;
  label: string;
  ms: number;
  /** Its part of the bar, 0–1. */
  share: number;
}

export interface PhaseBarModel {
  /** The segments longer than 0 ms, in time order. */
  segments: PhaseSegment[];
  totalMs: number;
  setupMs: number;
  /** Everything after the set-up: the cloud's own time as seen from here. */
  serverMs: number;
  connection: 'new' | 'reused' | null;
  /** The one-line caption under the bar: "set-up 84 ms (new) · server 1.25 s". */
  caption: string;
  /** The numbers, one per line, for the hover and for a screen reader. */
  details: string[];
}

const LABELS: Record<PhaseKey, string> = { setup: 'set-up', waiting: 'waiting for the server', first: 'first token', streaming: 'streaming' };
const span = (value: number | null | undefined): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/** The bar of a result's phases; null when the transport timed none (older results, the editor's own models). */
export function phaseBarModel(metrics: Pick<ColumnMetrics, 'phases' | 'connection'>): PhaseBarModel | null {
  const phases: LatencyPhases | undefined = metrics.phases;
  // the queue is the engine's own time: a result whose transport timed nothing else has no bar
  const { queueMs: _queue, ...timed } = phases ?? {};
  if (!phases || Object.values(timed).every((value) => value === null || value === undefined)) return null;
  const setupMs = span(phases.dnsMs) + span(phases.connectMs) + span(phases.tlsMs);
  const headersAt = Math.max(setupMs, span(phases.headersMs));
  const ttftAt = Math.max(headersAt, span(phases.ttftMs));
  const times: Record<PhaseKey, number> = { setup: setupMs, waiting: headersAt - setupMs, first: ttftAt - headersAt, streaming: span(phases.streamMs) };
  const totalMs = Object.values(times).reduce((sum, ms) => sum + ms, 0);
  const segments = (Object.keys(times) as PhaseKey[])
    .filter((key) => times[key] > 0)
    .map((key) => ({ key, label: LABELS[key], ms: times[key], share: totalMs > 0 ? times[key] / totalMs : 0 }));
  const connection = metrics.connection ?? null;
  const serverMs = totalMs - setupMs;
  const connectionText = connection === 'reused' ? 'reused connection' : connection === 'new' ? 'new connection' : '';
  const caption = `set-up ${formatMs(setupMs)}${connection ? ` (${connection})` : ''} · server ${formatMs(serverMs)}`;
  const part = (name: string, value: number | null | undefined): string => `${name} ${value === null || value === undefined ? '—' : formatMs(value)}`;
  const details = [
    `Set-up ${formatMs(setupMs)}: ${[part('DNS', phases.dnsMs), part('connect', phases.connectMs), part('TLS', phases.tlsMs)].join(', ')}${connectionText ? ` — a ${connectionText}` : ''}. The network's and this machine's time, not the cloud's.`,
    `Waiting for the server ${formatMs(times.waiting)}: from the request sent to the response headers, less the set-up.`,
    `First token ${formatMs(times.first)}: from the headers to the first visible token (ttft ${formatMs(ttftAt)} from the request).`,
    `Streaming ${formatMs(times.streaming)}: from the first token to the end.`,
    ...(span(phases.queueMs) > 0 ? [`Queued ${formatMs(span(phases.queueMs))} before sending (not in the bar).`] : []),
  ];
  return { segments, totalMs, setupMs, serverMs, connection, caption, details };
}
