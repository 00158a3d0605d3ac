/**
 * The parts of a column beyond its answer: the earlier turns of its thread (compact, above the answer), the tool
 * calls it made (pretty arguments, valid against the tool or not, or the raw text of a malformed call and why), the
 * structured-output badge with the parsed JSON folded, and the warnings, quiet but visible.
 */
import type { StructuredView, ToolCallView, TurnView } from '../protocol';
import { h } from './dom';

const MODE_TEXT: Record<NonNullable<StructuredView['mode']>, string> = { native: 'asked natively', tool: 'asked through a forced tool', instruction: 'asked by instruction' };

function folded(label: string, text: string, open = false): HTMLElement {
  return h('details', { class: 'fold', open }, h('summary', {}, label), h('pre', {}, text));
}

function turnElement(turn: TurnView): HTMLElement {
  if (turn.role === 'user') return h('li', { class: 'turn user' }, h('span', { class: 'turn-role' }, 'You'), h('p', { class: 'turn-text' }, turn.text));
  if (turn.role === 'tool') {
    return h('li', { class: `turn tool${turn.isError ? ' failed' : ''}` }, h('span', { class: 'turn-role' }, `Result of ${turn.name}`), folded(turn.content.split('\n')[0]!.slice(0, 80) || '(empty)', turn.content));
  }
  return h('li', { class: 'turn assistant' }, h('span', { class: 'turn-role' }, 'Answer'),
    turn.text ? h('p', { class: 'turn-text' }, turn.text) : null,
    ...turn.toolCalls.map((call) => folded(`called ${call.name}`, call.arguments)));
}

/** The thread before the answer being shown; nothing for a first turn. */
export function turnsElement(turns: readonly TurnView[]): HTMLElement | null {
  if (turns.length <= 1) return null;
  return h('ol', { class: 'thread', 'aria-label': 'Earlier turns of this column' }, ...turns.map(turnElement));
}

function callBadge(call: ToolCallView): [string, string] {
  if (call.malformed !== null) return ['bad', 'malformed arguments'];
  if (call.valid === true) return ['good', 'arguments valid'];
  if (call.valid === false) return ['bad', 'arguments invalid'];
  return ['bad', 'not offered'];
}

export function toolCallsElement(calls: readonly ToolCallView[]): HTMLElement | null {
  if (calls.length === 0) return null;
  return h('section', { class: 'tool-calls', 'aria-label': 'Tool calls' }, ...calls.map((call) => {
    const [tone, badge] = callBadge(call);
    return h('div', { class: 'tool-call', 'data-tool-call': call.id, 'data-tool': call.name, 'data-valid': call.malformed !== null ? 'malformed' : String(call.valid) },
      h('div', { class: 'tool-call-head' },
        h('span', { class: 'tool-call-name' }, `calls ${call.name}`),
        h('span', { class: `check ${tone}` }, badge),
        call.awaiting ? h('span', { class: 'awaiting' }, 'waits for its result') : null),
      call.malformed !== null ? h('p', { class: 'problem' }, call.malformed) : null,
      call.problem ? h('p', { class: 'problem' }, call.problem) : null,
      h('pre', { class: 'tool-arguments', 'aria-label': call.malformed !== null ? `Raw arguments of ${call.name}` : `Arguments of ${call.name}` }, call.arguments || '(empty)'));
  }));
}

export function structuredElement(view: StructuredView | null): HTMLElement | null {
  if (!view) return null;
  const [tone, badge] = view.json === null ? ['bad', 'not JSON']
    : view.valid === true ? ['good', 'valid'] : view.valid === false ? ['bad', 'invalid'] : ['good', 'JSON'];
  const where = view.valid === false || view.json === null ? view.errors[0] ?? '' : '';
  return h('section', { class: 'structured', 'aria-label': 'Structured output', 'data-schema-valid': view.valid === null ? 'none' : String(view.valid) },
    h('div', { class: 'structured-head' },
      h('span', { class: `check ${tone}` }, badge),
      where ? h('span', { class: 'problem', 'data-role': 'schema-error' }, where) : null,
      view.mode ? h('span', { class: 'structured-mode' }, MODE_TEXT[view.mode]) : null),
    view.errors.length > 1 ? folded(`${view.errors.length} problems`, view.errors.join('\n')) : null,
    view.json !== null ? folded('Parsed JSON', view.json) : null);
}

export function warningsElement(warnings: readonly string[]): HTMLElement | null {
  if (warnings.length === 0) return null;
  return h('ul', { class: 'warnings', 'aria-label': 'Warnings' }, ...warnings.map((warning) => h('li', {}, warning)));
}
