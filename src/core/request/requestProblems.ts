/**
 * Mistakes in a request that no cloud would take, found before anything is sent: a schema (the answer's or a tool's)
 * whose references point nowhere or loop, a tool result that answers no earlier call, a tool choice naming a tool
 * that is not offered, two tools with one name. Each is one sentence naming the place.
 */
import { partsOf, schemaOf, type ChatRequest } from './chatRequest';
import { checkReferences } from './schemaReferences';

export function requestProblem(request: ChatRequest): string | null {
  const schema = schemaOf(request);
  if (schema) {
    const [problem] = checkReferences(schema.schema);
    if (problem) return `The schema "${schema.name}" cannot be sent: ${problem.pointer || '/'}: ${problem.message}. Nothing was sent.`;
  }
  const names = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (names.has(tool.name)) return `Two tools are named "${tool.name}": give each its own name. Nothing was sent.`;
    names.add(tool.name);
    const [problem] = checkReferences(tool.parameters);
    if (problem) return `The parameters of tool "${tool.name}" cannot be sent: ${problem.pointer || '/'}: ${problem.message}. Nothing was sent.`;
  }
  if (typeof request.toolChoice === 'object' && !names.has(request.toolChoice.name)) {
    return `The tool choice names "${request.toolChoice.name}", which is not among the tools offered${names.size ? ` (${[...names].join(', ')})` : ''}. Nothing was sent.`;
  }
  const calls = new Set<string>();
  for (const [index, message] of request.messages.entries()) {
    for (const part of partsOf(message)) {
      if (part.type === 'tool-call') calls.add(part.id);
      if (part.type === 'tool-result' && !calls.has(part.toolCallId)) {
        return `Message ${index + 1} holds a result for tool call "${part.toolCallId}", which no earlier assistant message made. Nothing was sent.`;
      }
    }
  }
  return null;
}
