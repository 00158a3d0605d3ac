/** The column's stacked phase bar and its caption, drawn from `phaseBarModel`; hidden when a result has no phases. */
import type { ColumnMetrics } from '../protocol';
import { h } from './dom';
import { phaseBarModel } from './phaseBarModel';

export class PhaseBar {
  private readonly bar = h('div', { class: 'phase-bar', role: 'img' });
  private readonly caption = h('span', { class: 'phase-caption' });
  readonly element = h('div', { class: 'phase-row', 'data-role': 'phases', hidden: true, tabindex: 0 }, h('span', { class: 'phase-label' }, 'where the time went'), this.bar, this.caption);

  show(metrics: Pick<ColumnMetrics, 'phases' | 'connection'> | null): void {
    const model = metrics ? phaseBarModel(metrics) : null;
    this.element.hidden = model === null;
    if (!model) {
      this.bar.replaceChildren();
      return;
    }
    const details = model.details.join('\n');
    this.element.title = details;
    this.bar.setAttribute('aria-label', `Where the time went. ${model.details.join(' ')}`);
    this.bar.replaceChildren(...model.segments.map((segment) => {
      const piece = h('span', { class: `phase phase-${segment.key}`, 'data-phase': segment.key });
      // set through the CSSOM: the page's CSP allows no inline style attribute
      piece.style.flexGrow = segment.share.toFixed(4);
      return piece;
    }));
    this.caption.textContent = model.caption;
  }
}
