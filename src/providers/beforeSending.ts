/** What an adapter says before it sends: each setting the cloud did not take, and how it asks for JSON. */
import type { StreamPart, StructuredOutputMode } from '../core/request/stream';

export function* beforeSending(converted: { warnings: Array<{ feature: string; message: string }>; structuredOutput: StructuredOutputMode | null }): Generator<StreamPart> {
  for (const warning of converted.warnings) yield { type: 'warning', ...warning };
  if (converted.structuredOutput) yield { type: 'structured-output', mode: converted.structuredOutput };
}
