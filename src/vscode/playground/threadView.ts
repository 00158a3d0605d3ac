/**
 * What a column shows of its conversation: the earlier turns (long texts cut, so a 1 MB tool result never travels
 * to the webview again), each tool call checked against the tool's parameters with ajv (a lazily loaded chunk),
 * and the structured-output check of the answer.
 */
import type { DeploymentResult, ToolCallResult } from '../../core/engine/fanout';
import { partsOf, type ChatMessage, type ToolDefinition } from '../../core/request/chatRequest';
import type { StructuredView, ToolCallView, TurnView } from '../../protocol';

/** The most characters of one turn a column shows. */
export const TURN_SHOWN_CHARS = 4000;

const cut = (text: string): string => (text.length <= TURN_SHOWN_CHARS ? text : `${text.slice(0, TURN_SHOWN_CHARS)}… [${text.length.toLocaleString('en-US')} characters in all]`);
const pretty = (value: unknown): string => JSON.stringify(value, null, 2) ?? 'null';

export function turnsOf(messages: readonly ChatMessage[]): TurnView[] {
  return messages.flatMap((message): TurnView[] => {
    const parts = partsOf(message);
    const text = cut(parts.map((part) => (part.type === 'text' ? part.text : '')).join(''));
    if (message.role === 'user') return [{ role: 'user', text }];
    if (message.role === 'assistant') {
      return [{ role: 'assistant', text, toolCalls: parts.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.id, name: part.name, arguments: cut(pretty(part.arguments)) }] : [])) }];
    }
    return parts.flatMap((part): TurnView[] => (part.type === 'tool-result' ? [{ role: 'tool', toolCallId: part.toolCallId, name: part.name, content: cut(part.content), isError: part.isError === true }] : []));
  });
}

/** Each call as its column shows it: pretty arguments (or the raw text and why), valid against the tool or not. */
export async function toolCallViews(calls: readonly ToolCallResult[], tools: readonly ToolDefinition[], awaiting: ReadonlySet<string>): Promise<ToolCallView[]> {
  const views: ToolCallView[] = [];
  for (const call of calls) {
    const base = { id: call.id, name: call.name, awaiting: awaiting.has(call.id) };
    const tool = tools.find((candidate) => candidate.name === call.name);
    if (call.error !== undefined) {
      views.push({ ...base, arguments: cut(call.rawArguments ?? ''), malformed: call.error, valid: null, problem: null });
    } else if (!tool) {
      views.push({ ...base, arguments: cut(pretty(call.arguments)), malformed: null, valid: null, problem: `${call.name} was not offered as a tool` });
    } else {
      const { validateAgainst } = await import('../../core/results/schemaValidator');
      const errors = validateAgainst(tool.parameters, call.arguments);
      views.push({ ...base, arguments: cut(pretty(call.arguments)), malformed: null, valid: errors === null, problem: errors?.[0] ?? null });
    }
  }
  return views;
}

export function structuredView(result: DeploymentResult): StructuredView | null {
  if (result.structuredOutput === null && result.schemaValid === null && result.json === null && result.schemaErrors.length === 0) return null;
  return { mode: result.structuredOutput, valid: result.schemaValid, errors: result.schemaErrors.slice(0, 20), json: result.json === null ? null : cut(pretty(result.json)) };
}
