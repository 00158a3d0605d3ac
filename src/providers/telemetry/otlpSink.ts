/**
 * The OpenTelemetry side of telemetry: a lazy chunk (esbuild.mjs), loaded only once an OTLP endpoint is set. One
 * CLIENT span per call and the GenAI conventions' histograms, exported over OTLP/HTTP (JSON or protobuf) to the
 * configured URLs with the configured headers only: the exporters' own reading of OTEL_* variables is bypassed, so
 * the editor never sends a header from its environment. Export failures are dropped (never a run's failure), and
 * every flush is bounded by the config's timeout.
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporterBase, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonMetricsSerializer, JsonTraceSerializer, MetricsExporterMetricsHelper, ProtobufMetricsSerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { CallTelemetry } from '../../core/telemetry/callTelemetry';
import type { TelemetryConfig } from '../../core/telemetry/telemetryConfig';
import type { TelemetrySink } from '../../core/telemetry/telemetrySink';

declare const FANOUT_VERSION: string | undefined;
const VERSION = typeof FANOUT_VERSION === 'string' ? FANOUT_VERSION : 'dev';
/** The conventions' advised bucket boundaries for the two GenAI client histograms. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

function httpOptions(config: TelemetryConfig, url: string) {
  const protobuf = config.protocol === 'http/protobuf';
  const contentType = protobuf ? 'application/x-protobuf' : 'application/json';
  const options = {
    url,
    headers: async () => ({ ...config.headers, 'Content-Type': contentType }),
    timeoutMillis: config.timeoutMs,
    concurrencyLimit: 4,
    compression: 'none' as const,
    agentFactory: httpAgentFactoryFromOptions({ keepAlive: false }),
    userAgent: `fanout/${VERSION}`,
  };
  return { protobuf, options };
}

function spanExporter(config: TelemetryConfig) {
  const { protobuf, options } = httpOptions(config, config.tracesUrl);
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, protobuf ? ProtobufTraceSerializer : JsonTraceSerializer, 'otlp_http_span_exporter', TraceExporterMetricsHelper, undefined));
}

function metricExporter(config: TelemetryConfig, url: string) {
  const { protobuf, options } = httpOptions(config, url);
  const exportDelegate = createOtlpHttpExportDelegate(options, protobuf ? ProtobufMetricsSerializer : JsonMetricsSerializer, 'otlp_http_metric_exporter', MetricsExporterMetricsHelper, undefined);
  return new OTLPMetricExporterBase(exportDelegate, { temporalityPreference: AggregationTemporalityPreference.CUMULATIVE });
}

/** Settles when `work` does or `ms` later, whichever is first: a slow collector never holds anyone up longer. */
function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    work.then(() => resolve(), () => resolve()).finally(() => clearTimeout(timer));
  });
}

export function createOtlpSink(config: TelemetryConfig): TelemetrySink {
  const resource = resourceFromAttributes({ 'service.name': 'fanout', 'service.version': VERSION });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter(config), scheduledDelayMillis: 2000, exportTimeoutMillis: config.timeoutMs, maxQueueSize: 2048 })],
  });
  const tracer = tracerProvider.getTracer('fanout', VERSION);
  const meterProvider = config.metricsUrl
    ? new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({
        exporter: metricExporter(config, config.metricsUrl),
        exportIntervalMillis: 60_000,
        exportTimeoutMillis: config.timeoutMs,
      })],
    })
    : null;
  const meter = meterProvider?.getMeter('fanout', VERSION);
  const tokenUsage = meter?.createHistogram('gen_ai.client.token.usage', { unit: '{token}', description: 'Number of input and output tokens used.', advice: { explicitBucketBoundaries: TOKEN_BUCKETS } });
  const duration = meter?.createHistogram('gen_ai.client.operation.duration', { unit: 's', description: 'GenAI operation duration.', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
  const cost = meter?.createCounter('fanout.cost_usd', { unit: 'USD', description: 'What the calls cost, from their usage and the bundled prices (calls with no known price are not counted).' });

  const flush = (): Promise<void> => bounded(Promise.all([tracerProvider.forceFlush(), meterProvider?.forceFlush()]), config.timeoutMs + 250);
  return {
    record(call: CallTelemetry): void {
      const span = tracer.startSpan(call.spanName, { kind: SpanKind.CLIENT, startTime: call.startTimeMs, attributes: call.attributes as Attributes });
      if (call.error) span.setStatus({ code: SpanStatusCode.ERROR, message: call.errorMessage ?? call.error });
      span.end(call.endTimeMs);
      const attributes = call.metricAttributes as Attributes;
      duration?.record(call.durationS, attributes);
      if (call.inputTokens !== null) tokenUsage?.record(call.inputTokens, { ...attributes, 'gen_ai.token.type': 'input' });
      if (call.outputTokens !== null) tokenUsage?.record(call.outputTokens, { ...attributes, 'gen_ai.token.type': 'output' });
      if (call.costUsd !== null) cost?.add(call.costUsd, attributes);
    },
    flush,
    // shutting down exports what is pending once (a flush first would send the cumulative metrics twice)
    shutdown: () => bounded(Promise.all([tracerProvider.shutdown(), meterProvider?.shutdown()]), config.timeoutMs + 250),
  };
}
