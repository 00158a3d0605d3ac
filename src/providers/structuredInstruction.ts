/** The instruction that asks for JSON where a cloud has no schema field and no forced tool to carry it. */
import type { ChatRequest } from '../core/request/chatRequest';
import { schemaOf } from '../core/request/chatRequest';

/** The system prompt with the JSON instruction appended (the request's own system prompt first). */
export function systemWithJsonInstruction(request: ChatRequest): string {
  const schema = schemaOf(request);
  const instruction = schema
    ? `Answer with one JSON value only (no prose, no code fences) that follows this JSON Schema:\n${JSON.stringify(schema.schema)}`
    : 'Answer with one JSON value only (no prose, no code fences).';
  return request.system ? `${request.system}\n\n${instruction}` : instruction;
}
