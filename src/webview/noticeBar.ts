/** The one-line notice under the toolbar: what the host or a view has to say, gone after a few seconds. */
import { h } from './dom';

export class NoticeBar {
  readonly element = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  private timer: number | undefined;

  show(level: 'info' | 'error', text: string): void {
    this.element.hidden = false;
    this.element.className = `notice ${level}`;
    this.element.textContent = text;
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => (this.element.hidden = true), level === 'error' ? 8000 : 4000);
  }
}
