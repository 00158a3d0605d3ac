/**
 * The strip above the columns, kept in sight while they scroll: how many answered, failed, were stopped or are
 * still streaming, one entry per column with its state and key figure (total time, or the failure's kind), each
 * taking you to its column; a "failed" button that goes from one failure to the next; and the compact switch.
 * So a failure far to the right of many columns is never out of sight.
 */
import type { ColumnStatus } from '../protocol';
import { h } from './dom';
import { countsText, keyFigure, STATE_TEXT, type SummaryEntry } from './runSummaryText';

export type { SummaryEntry } from './runSummaryText';

const STATE_MARK: Record<ColumnStatus, string> = { waiting: '○', streaming: '◐', ok: '✓', error: '✕', cancelled: '■' };

export class RunSummary {
  private readonly counts = h('span', { class: 'summary-counts', role: 'status' });
  private readonly failedButton = h('button', { type: 'button', class: 'summary-failed', hidden: true, title: 'Go to the next failed column', onclick: () => this.nextFailure() });
  private readonly compactButton = h('button', { type: 'button', class: 'secondary summary-compact', 'aria-pressed': 'false', title: 'Narrower columns with fewer details, to see more at once', onclick: () => this.toggleCompact() }, 'Compact');
  private readonly list = h('ol', { class: 'summary-entries', 'aria-label': 'Columns' });
  readonly element = h('nav', { class: 'run-summary', 'aria-label': 'Run summary', hidden: true },
    h('div', { class: 'summary-head' }, this.counts, this.failedButton, h('span', { class: 'spacer' }), this.compactButton),
    this.list);
  private readonly items = new Map<string, HTMLButtonElement>();
  private entries: SummaryEntry[] = [];
  private failureIndex = -1;

  /** `reveal` scrolls a column into view and focuses it; `compact` hears the switch. */
  constructor(private readonly reveal: (id: string) => void, private readonly compact: (on: boolean) => void) {}

  /** One entry per column, in the columns' order. */
  build(entries: readonly SummaryEntry[]): void {
    this.entries = entries.map((entry) => ({ ...entry }));
    this.items.clear();
    this.list.replaceChildren(...this.entries.map((entry) => {
      const item = h('button', { type: 'button', class: 'summary-entry', 'data-summary-for': entry.id, onclick: () => this.reveal(entry.id) });
      this.items.set(entry.id, item);
      return h('li', {}, item);
    }));
    this.element.hidden = this.entries.length === 0;
    this.failureIndex = -1;
    for (const entry of this.entries) this.paint(entry);
    this.paintCounts();
  }

  /** A column changed state (or got its first token, or its result). */
  update(entry: SummaryEntry): void {
    const index = this.entries.findIndex((known) => known.id === entry.id);
    if (index < 0) return;
    const before = this.entries[index]!;
    if (before.status === entry.status && before.result === entry.result && before.ttftMs === entry.ttftMs) return;
    this.entries[index] = { ...entry };
    this.paint(entry);
    if (before.status !== entry.status) this.paintCounts();
  }

  private paint(entry: SummaryEntry): void {
    const item = this.items.get(entry.id);
    if (!item) return;
    const figure = keyFigure(entry);
    item.dataset.state = entry.status;
    const reason = entry.status === 'error' ? entry.result?.error?.message ?? '' : '';
    item.title = reason ? `${entry.id}: ${reason}` : `${entry.id}: ${STATE_TEXT[entry.status]}`;
    item.setAttribute('aria-label', `${entry.id}, ${STATE_TEXT[entry.status]}${figure !== STATE_TEXT[entry.status] ? `, ${figure}` : ''}. Go to its column.`);
    item.replaceChildren(h('span', { class: 'summary-mark', 'aria-hidden': 'true' }, STATE_MARK[entry.status]), h('span', { class: 'summary-id' }, entry.id), h('span', { class: 'summary-figure' }, figure));
  }

  private paintCounts(): void {
    this.counts.textContent = countsText(this.entries);
    const failed = this.failures().length;
    this.failedButton.hidden = failed === 0;
    this.failedButton.textContent = failed === 1 ? 'Go to the failure' : `Go to the ${failed} failures`;
  }

  private failures(): string[] {
    return this.entries.filter((entry) => entry.status === 'error').map((entry) => entry.id);
  }

  /** Each press goes to the next failed column, round again after the last. */
  private nextFailure(): void {
    const failures = this.failures();
    if (failures.length === 0) return;
    this.failureIndex = (this.failureIndex + 1) % failures.length;
    this.reveal(failures[this.failureIndex]!);
  }

  private toggleCompact(): void {
    const on = this.compactButton.getAttribute('aria-pressed') !== 'true';
    this.compactButton.setAttribute('aria-pressed', String(on));
    this.compact(on);
  }
}
