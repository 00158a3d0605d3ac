/**
 * The tool calls waiting for a result, one box per tool: one result for every column that called it, or one per
 * call ("Answer each column apart"), optionally sent as an error. The host checks every id it gets back.
 */
import { MAX_TOOL_RESULT_CHARS } from '../protocolLimits';
import type { ToolCallView, ToolResultInput, WebviewMessage } from '../protocol';
import { h } from './dom';

type Awaiting = ReadonlyArray<{ deploymentId: string; call: ToolCallView }>;

export class ToolResultsPanel {
  readonly element = h('section', { class: 'tool-results', 'aria-label': 'Tool results to send', hidden: true });
  /** The calls shown, so typed results survive a re-render that changes nothing. */
  private shownKey = '';
  private readonly sendButtons: HTMLButtonElement[] = [];

  constructor(private readonly post: (message: WebviewMessage) => void) {}

  show(awaiting: Awaiting, running: boolean): void {
    const key = awaiting.map(({ deploymentId, call }) => `${deploymentId}\u0000${call.id}`).join('\u0001');
    if (key !== this.shownKey) {
      this.shownKey = key;
      this.sendButtons.length = 0;
      const byTool = new Map<string, Array<{ deploymentId: string; call: ToolCallView }>>();
      for (const item of awaiting) byTool.set(item.call.name, [...(byTool.get(item.call.name) ?? []), item]);
      this.element.replaceChildren(
        ...(byTool.size ? [h('h2', { class: 'block-label' }, 'Tool results')] : []),
        ...[...byTool].map(([name, calls]) => this.group(name, calls)));
      this.element.hidden = byTool.size === 0;
    }
    for (const button of this.sendButtons) button.disabled = running;
  }

  private group(name: string, calls: Array<{ deploymentId: string; call: ToolCallView }>): HTMLElement {
    const slug = name.replace(/[^A-Za-z0-9_-]/g, '_');
    const columns = [...new Set(calls.map((item) => item.deploymentId))];
    const shared = h('textarea', { id: `tool-result-${slug}`, rows: 2, spellcheck: false, 'data-tool-result': name, placeholder: 'What the tool returned, e.g. {"temperatureC": 21, "sky": "clear"}' });
    const apart = calls.map((item) => ({ item, input: h('textarea', { rows: 2, spellcheck: false, 'data-call': `${item.deploymentId}:${item.call.id}`, 'aria-label': `Result of ${name} for ${item.deploymentId} (${item.call.id}) alone` }) }));
    const failed = h('input', { type: 'checkbox', id: `tool-result-error-${slug}` });
    const problem = h('p', { class: 'field-problem', role: 'alert' });
    const send = h('button', { type: 'button', class: 'primary', 'data-send-tool': name, onclick: () => {
      const results: ToolResultInput[] = apart
        .map(({ item, input }) => ({ deploymentId: item.deploymentId, toolCallId: item.call.id, content: input.value || shared.value, ...(failed.checked ? { isError: true } : {}) }))
        .filter((result) => result.content !== '');
      const longest = Math.max(0, ...results.map((result) => result.content.length));
      if (results.length === 0) problem.textContent = `Write what ${name} returned first (one result for every column, or one per column).`;
      else if (longest > MAX_TOOL_RESULT_CHARS) problem.textContent = `A result is ${longest.toLocaleString('en-US')} characters; the limit is ${MAX_TOOL_RESULT_CHARS.toLocaleString('en-US')}.`;
      else {
        problem.textContent = '';
        this.post({ type: 'toolResults', results });
      }
    } }, calls.length === 1 ? `Send to ${columns[0]}` : `Send to ${columns.length} column${columns.length === 1 ? '' : 's'}`);
    this.sendButtons.push(send);
    return h('div', { class: 'tool-result-group', role: 'group', 'aria-label': `Result of ${name}` },
      h('label', { class: 'tool-result-label', for: shared.id }, `Result of ${name}, for every column that called it: ${columns.join(', ')}`),
      shared,
      calls.length > 1 ? h('details', { class: 'fold' }, h('summary', {}, 'Answer each column apart'),
        ...apart.map(({ item, input }) => h('label', { class: 'apart' }, `${item.deploymentId} (${item.call.id})`, input))) : null,
      h('div', { class: 'select-row' }, h('label', { class: 'inline-field', for: failed.id }, failed, 'the tool failed (send as an error)'), h('span', { class: 'spacer' }), send),
      problem);
  }
}
