/**
 * The telemetry a run reports to, and how a run's options are wired to it. The OpenTelemetry SDK is a lazy chunk
 * (src/providers/telemetry/otlpSink.ts): `loadTelemetrySink` is the only way in, and nothing calls it while
 * telemetry is off. Recording never throws and never waits: exports happen in the background, bounded.
 */
import type { Deployment } from '../config/deployment';
import type { ChatRequest } from '../request/stream';
import type { FanoutOptions } from '../engine/fanoutOptions';
import { describeCall, type CallTelemetry } from './callTelemetry';
import type { TelemetryConfig } from './telemetryConfig';

export interface TelemetrySink {
  record(call: CallTelemetry): void;
  /** Sends what is pending; settles within the config's timeout whatever the collector does. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function loadTelemetrySink(config: TelemetryConfig): Promise<TelemetrySink> {
  const { createOtlpSink } = await import('../../providers/telemetry/otlpSink');
  return createOtlpSink(config);
}

export interface RecordedRun {
  sink: TelemetrySink;
  includeContent: boolean;
  request: ChatRequest;
  /** Every deployment the run may call (a chain's fallbacks too). */
  deployments: readonly Deployment[];
  /** For a run with fallbacks: the deployment the action asked for. */
  requested?: string;
  now?: () => number;
}

/** The options with their events also feeding the sink: one call per start…result pair. */
export function withTelemetry<O extends Pick<FanoutOptions, 'onEvent'>>(options: O, run: RecordedRun | null): O {
  if (!run) return options;
  const now = run.now ?? Date.now;
  const started = new Map<string, number>();
  const inner = options.onEvent;
  return {
    ...options,
    onEvent: (event) => {
      inner?.(event);
      if (event.type === 'start') started.set(event.deployment, now());
      if (event.type !== 'result') return;
      const deployment = run.deployments.find((candidate) => candidate.id === event.result.deployment);
      if (!deployment) return;
      try {
        run.sink.record(describeCall({
          deployment, request: run.request, result: event.result, startTimeMs: started.get(deployment.id) ?? now(), endTimeMs: now(),
          ...(run.requested && run.requested !== deployment.id ? { fallbackOf: run.requested } : {}),
        }, run.includeContent));
      } catch {
        // telemetry never fails a run
      }
    },
  };
}
