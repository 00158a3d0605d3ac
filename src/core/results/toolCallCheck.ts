/**
 * Whether each tool call is one the request allowed: a call naming a tool that was not offered, or whose arguments do
 * not follow the tool's parameters, is marked with why (the JSON pointer of the first mismatch). Malformed arguments
 * are already marked by the adapter. The validator loads only when there are calls to check.
 */
import type { ChatRequest } from '../request/chatRequest';
import type { ToolCallResult } from '../engine/runRecord';

export async function checkToolCalls(calls: ToolCallResult[], request: ChatRequest): Promise<ToolCallResult[]> {
  if (!calls.length) return calls;
  const { validateAgainst } = await import('./schemaValidator');
  return calls.map((call) => {
    if (call.error) return call;
    const tool = request.tools?.find((offered) => offered.name === call.name);
    if (!tool) return { ...call, error: `the model called "${call.name}", which was not offered${request.tools?.length ? ` (offered: ${request.tools.map((offered) => offered.name).join(', ')})` : ''}` };
    const errors = validateAgainst(tool.parameters, call.arguments);
    return errors ? { ...call, error: `the arguments do not follow "${call.name}"'s parameters: ${errors[0]}` } : call;
  });
}
