/** The CLI's telemetry: off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set; then the OpenTelemetry chunk is loaded. A bad value is a usage error. */
import { loadTelemetrySink, type TelemetrySink } from '../core/telemetry/telemetrySink';
import { telemetryFromEnv } from '../core/telemetry/telemetryConfig';
import { UsageError } from './args';

export interface CliTelemetry {
  sink: TelemetrySink;
  includeContent: boolean;
}

export async function cliTelemetry(env: Record<string, string | undefined>): Promise<CliTelemetry | null> {
  const choice = telemetryFromEnv(env);
  if (!choice.ok) throw new UsageError(choice.problem);
  if (!choice.config) return null;
  return { sink: await loadTelemetrySink(choice.config), includeContent: choice.config.includeContent };
}
