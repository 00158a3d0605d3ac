/** The next user turn: sent to every column (each continues its own thread) or to one column alone. Ctrl+Enter sends. */
import type { WebviewMessage } from '../protocol';
import { h } from './dom';

const EVERY = '*';

export class FollowUpBox {
  private readonly text = h('textarea', { id: 'follow-up', rows: 2, placeholder: 'Ask the next question: each column answers in its own conversation', 'aria-label': 'Next turn', 'aria-describedby': 'follow-up-hint' });
  private readonly target = h('select', { id: 'follow-up-target', 'aria-label': 'Send the next turn to' });
  private readonly send = h('button', { id: 'send-follow-up', type: 'button', class: 'primary', title: 'Send the next turn (Ctrl+Enter)' }, 'Send');
  private readonly hint = h('span', { id: 'follow-up-hint', class: 'hint', role: 'status' });
  readonly element = h('section', { class: 'follow-up', 'aria-label': 'Conversation: the next turn', hidden: true },
    this.text, h('div', { class: 'select-row' }, h('label', { class: 'inline-field', for: 'follow-up-target' }, 'to', this.target), this.send, this.hint));
  private columns: Array<{ id: string; ready: boolean }> = [];
  private running = false;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.send.addEventListener('click', () => this.submit());
    this.text.addEventListener('input', () => this.refresh());
    this.target.addEventListener('change', () => this.refresh());
    this.text.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      // the next turn, not a new run
      event.preventDefault();
      event.stopPropagation();
      this.submit();
    });
  }

  /** The columns shown and which can take a next turn; whether a run is going. */
  show(columns: Array<{ id: string; ready: boolean }>, running: boolean): void {
    this.columns = columns;
    this.running = running;
    const chosen = this.target.value || EVERY;
    this.target.replaceChildren(h('option', { value: EVERY }, 'every column'), ...columns.map((column) => h('option', { value: column.id }, `${column.id} alone`)));
    this.target.value = columns.some((column) => column.id === chosen) ? chosen : EVERY;
    this.element.hidden = columns.length === 0;
    this.refresh();
  }

  /** A new conversation: the next turn goes to every column again. */
  reset(): void {
    this.target.value = EVERY;
    this.refresh();
  }

  /** One column goes on alone: it is picked, and the box takes the keyboard. */
  focusOn(deploymentId: string): void {
    this.target.value = deploymentId;
    this.refresh();
    this.text.focus();
  }

  private targets(): string[] {
    const ready = this.columns.filter((column) => column.ready).map((column) => column.id);
    return this.target.value === EVERY ? ready : ready.filter((id) => id === this.target.value);
  }

  private blocker(): string {
    if (this.running) return 'Wait for the run to finish.';
    if (this.targets().length === 0) return this.target.value === EVERY ? 'No column can go on yet: answer its tool calls, or Re-run a failed one.' : `${this.target.value} cannot go on yet: answer its tool call, or Re-run it.`;
    return '';
  }

  private refresh(): void {
    const blocker = this.blocker();
    this.send.disabled = blocker !== '' || !this.text.value.trim();
    const waiting = this.columns.filter((column) => !column.ready).length;
    this.hint.textContent = blocker || (this.target.value === EVERY && waiting ? `${waiting} column${waiting === 1 ? '' : 's'} not ready will wait.` : '');
  }

  private submit(): void {
    if (this.send.disabled) return;
    this.post({ type: 'followUp', text: this.text.value, deploymentIds: this.targets() });
    this.text.value = '';
    this.refresh();
  }
}
