/** The form's tools, tool choice and format as the webview holds them (typed text), from what a run sent. */
import type { Reasoning, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/request/chatRequest';
import type { PlaygroundState } from '../../protocol';

export function draftOf(run: { tools?: ToolDefinition[] | undefined; toolChoice?: ToolChoice | undefined; responseFormat?: ResponseFormat | undefined; reasoning?: Reasoning | undefined }): Pick<PlaygroundState, 'tools' | 'toolChoice' | 'format' | 'reasoning'> {
  const format = run.responseFormat;
  return {
    reasoning: reasoningText(run.reasoning),
    tools: run.tools?.length ? JSON.stringify(run.tools, null, 2) : '',
    toolChoice: typeof run.toolChoice === 'object' ? `tool:${run.toolChoice.name}` : (run.toolChoice ?? 'auto'),
    format: typeof format === 'object'
      ? { mode: 'schema', name: format.name, schema: JSON.stringify(format.schema, null, 2), strict: format.strict !== false }
      : { mode: format === 'json' ? 'json' : 'text', name: 'answer', schema: '', strict: true },
  };
}

/** Reasoning as the form's field holds it: '' (default), an effort, or the budget's number. */
export const reasoningText = (reasoning: Reasoning | undefined): string => (!reasoning ? '' : 'effort' in reasoning ? reasoning.effort : String(reasoning.budgetTokens));
