/**
 * The "History" box: the runs kept, newest first; one click reopens a run with its inputs and answers. The list
 * scrolls in its own region, so a long history never squeezes the prompt above it.
 */
import type { HistorySummary, WebviewMessage } from '../protocol';
import { h } from './dom';
import { historyCounts } from './historyText';

export class HistoryList {
  private readonly list = h('ol', { class: 'history-list', 'aria-label': 'Runs kept, newest first' });
  readonly element = h('details', { class: 'history', open: true }, h('summary', {}, 'History'), this.list);

  constructor(private readonly post: (message: WebviewMessage) => void) {}

  show(items: HistorySummary[], enabled: boolean): void {
    if (!enabled) {
      this.list.replaceChildren(h('li', { class: 'hint' }, 'History is off (setting fanout.history.enabled).'));
      return;
    }
    if (items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'hint' }, 'Runs you make are kept here.'));
      return;
    }
    this.list.replaceChildren(...items.map((item) => h('li', {},
      h('button', { type: 'button', class: 'history-item', 'data-history': item.id, title: item.prompt, onclick: () => this.post({ type: 'openHistory', entryId: item.id }) },
        h('span', { class: 'history-prompt' }, item.prompt.replace(/\s+/g, ' ').slice(0, 80) || '(empty prompt)'),
        h('span', { class: 'history-meta' }, `${new Date(item.at).toLocaleString()} · ${historyCounts(item)}${item.turns ? ` · ${item.turns} turns` : ''}`)))));
  }
}
