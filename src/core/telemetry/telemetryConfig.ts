/**
 * Where telemetry goes, if anywhere. Off unless an OTLP endpoint is set: the editor's `fanout.telemetry.otlpEndpoint`
 * (machine scope), or the CLI's standard `OTEL_EXPORTER_OTLP_*` variables. Pure: the hosts hand in what they read.
 */
import { httpUrl } from '../config/fields';

export type OtlpProtocol = 'http/json' | 'http/protobuf';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

export interface TelemetryConfig {
  /** Full URLs (…/v1/traces, …/v1/metrics); metrics null when only a traces endpoint was given. */
  tracesUrl: string;
  metricsUrl: string | null;
  protocol: OtlpProtocol;
  /** The collector's headers (its key): from secret storage or the environment, never from settings. */
  headers: Record<string, string>;
  /** Prompts and answers in spans: off unless the user turns it on. */
  includeContent: boolean;
  /** Bounds each export; a collector that is down or slow never holds a run longer than this at its end. */
  timeoutMs: number;
}

export type TelemetryChoice = { ok: true; config: TelemetryConfig | null } | { ok: false; problem: string };

export const DEFAULT_EXPORT_TIMEOUT_MS = 3000;

const isHttpUrl = (value: string): boolean => httpUrl.safeParse(value).success;

/** `…/v1/traces` under an OTLP base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT is read by every OpenTelemetry SDK. */
export function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** `key1=value1,key2=value2` with percent-encoded values, as OTEL_EXPORTER_OTLP_HEADERS is written. */
export function parseHeaders(text: string, where: string): { ok: true; headers: Record<string, string> } | { ok: false; problem: string } {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return { ok: false, problem: `${where}: each header is name=value, separated by commas (e.g. "x-api-key=…,x-team=ml")` };
    try {
      headers[name.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return { ok: false, problem: `${where}: the value of "${name}" is not valid percent-encoding` };
    }
  }
  return { ok: true, headers };
}

function protocolFrom(raw: string | undefined, where: string): OtlpProtocol | { problem: string } {
  const value = (raw ?? '').trim() || 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
  return { problem: `${where}: ${JSON.stringify(value)} is not supported — use http/protobuf or http/json (Fanout does not speak gRPC)` };
}

/** The CLI's choice, from OTEL_EXPORTER_OTLP_(TRACES_|METRICS_)ENDPOINT, _PROTOCOL, _HEADERS and _TIMEOUT. */
export function telemetryFromEnv(env: Record<string, string | undefined>): TelemetryChoice {
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;
  if (read('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { ok: true, config: null };
  const base = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  const traces = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? (base ? signalUrl(base, 'traces') : undefined);
  if (!traces) return { ok: true, config: null };
  const metrics = read('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ?? (base ? signalUrl(base, 'metrics') : null);
  for (const [name, url] of [['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces], ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', metrics]] as const) {
    if (url !== null && !isHttpUrl(url)) return { ok: false, problem: `${base ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : name}: ${JSON.stringify(url)} is not an http(s) URL — e.g. http://localhost:4318` };
  }
  const protocolName = read('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = protocolFrom(read(protocolName), protocolName);
  if (typeof protocol !== 'string') return { ok: false, problem: protocol.problem };
  const headers = parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? '', 'OTEL_EXPORTER_OTLP_HEADERS');
  if (!headers.ok) return headers;
  const timeout = read('OTEL_EXPORTER_OTLP_TIMEOUT');
  const timeoutMs = timeout === undefined ? DEFAULT_EXPORT_TIMEOUT_MS : Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) return { ok: false, problem: `OTEL_EXPORTER_OTLP_TIMEOUT: ${JSON.stringify(timeout)} is not valid — use whole milliseconds from 1 to 60000` };
  const includeContent = read('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT')?.toLowerCase() === 'true';
  return { ok: true, config: { tracesUrl: traces, metricsUrl: metrics, protocol, headers: headers.headers, includeContent, timeoutMs } };
}

/** The editor's choice: its settings and the headers it keeps in secret storage. */
export function telemetryFromSettings(settings: { endpoint: string; protocol: string; includeContent: boolean }, headerText: string | undefined): TelemetryChoice {
  const endpoint = settings.endpoint.trim();
  if (!endpoint) return { ok: true, config: null };
  if (!isHttpUrl(endpoint)) return { ok: false, problem: `The setting "fanout.telemetry.otlpEndpoint" is ${JSON.stringify(endpoint)}, which is not an http(s) URL — e.g. http://localhost:4318. Nothing is sent.` };
  const protocol = protocolFrom(settings.protocol, 'The setting "fanout.telemetry.otlpProtocol"');
  if (typeof protocol !== 'string') return { ok: false, problem: protocol.problem };
  const headers = parseHeaders(headerText ?? '', 'The collector headers saved by "Fanout: Set Telemetry Collector Headers"');
  if (!headers.ok) return headers;
  return { ok: true, config: { tracesUrl: signalUrl(endpoint, 'traces'), metricsUrl: signalUrl(endpoint, 'metrics'), protocol, headers: headers.headers, includeContent: settings.includeContent, timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS } };
}
