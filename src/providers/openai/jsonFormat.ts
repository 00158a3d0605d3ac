/**
 * How an answer's format goes on OpenAI's wires (chat completions and Responses alike): a schema as json_schema, strict
 * when the schema is strict-mode ready (else strict: false, or an instruction where only strict is taken), any JSON as
 * json_object (whose conversation must say "JSON" somewhere, so the instruction is added when it does not). Pure.
 */
import { partsOf, schemaOf, type ChatRequest, type JsonSchema } from '../../core/request/chatRequest';
import type { StructuredOutputMode } from '../../core/request/stream';
import { checkSchema, describeProblems } from '../schemaDialect';
import { systemWithJsonInstruction } from '../structuredInstruction';

export interface JsonFormatDialect {
  /** json_schema: taken (strict when the schema allows), only strict (Azure), or not at all. */
  jsonSchema: 'yes' | 'strict-only' | 'no';
  /** Why json_schema is not taken, for the warning ("api-version 2024-06-01 predates json_schema"). */
  noJsonSchemaReason?: string;
  service: string;
}

export type JsonFormat = { type: 'json_schema'; name: string; schema: JsonSchema; strict: boolean } | { type: 'json_object' };

export interface JsonFormatChoice {
  format: JsonFormat | null;
  structuredOutput: StructuredOutputMode | null;
  /** The system prompt to send (with the JSON instruction when one was needed). */
  system: string | undefined;
  warnings: Array<{ feature: string; message: string }>;
}

export function jsonFormatFor(request: ChatRequest, dialect: JsonFormatDialect): JsonFormatChoice {
  const schema = schemaOf(request);
  if (schema) {
    const problems = checkSchema(schema.schema, { strict: true });
    const strictOk = problems.length === 0;
    const refusal = dialect.jsonSchema === 'no'
      ? dialect.noJsonSchemaReason ?? `${dialect.service} takes no json_schema`
      : dialect.jsonSchema === 'strict-only' && !strictOk ? `${dialect.service} takes only strict schemas, and this one is not: ${describeProblems(problems)}` : null;
    if (refusal) {
      return { format: null, structuredOutput: 'instruction', system: systemWithJsonInstruction(request), warnings: [{ feature: 'responseFormat', message: `${refusal}: the schema was sent as an instruction instead` }] };
    }
    const warnings = schema.strict !== false && !strictOk
      ? [{ feature: 'responseFormat', message: `the schema is not strict-mode ready, so it was sent with strict: false (${describeProblems(problems)})` }] : [];
    return { format: { type: 'json_schema', name: schema.name, schema: schema.schema, strict: schema.strict !== false && strictOk }, structuredOutput: 'native', system: request.system, warnings };
  }
  if (request.responseFormat === 'json') {
    const saysJson = [request.system ?? '', ...request.messages.flatMap((message) => partsOf(message).map((part) => (part.type === 'text' ? part.text : '')))].some((text) => /json/i.test(text));
    return { format: { type: 'json_object' }, structuredOutput: 'native', system: saysJson ? request.system : systemWithJsonInstruction(request), warnings: [] };
  }
  return { format: null, structuredOutput: null, system: request.system, warnings: [] };
}

/** Whether a tool's parameters can be sent with strict: true. */
export const strictReady = (schema: JsonSchema): boolean => checkSchema(schema, { strict: true }).length === 0;
