/**
 * A column's reasoning: the text the cloud streamed while thinking, in a folded section (closed unless opened, live
 * while streaming), clearly labelled; blocks the cloud sent only encrypted are named as redacted reasoning, never
 * hidden. Plain text, never rendered as markdown: it is the model's scratch work.
 */
import { formatNumber, h } from './dom';

export class ColumnReasoning {
  private readonly summary = h('summary', { 'data-role': 'reasoning-summary' }, 'Reasoning');
  private readonly text = h('pre', { class: 'reasoning-text', 'data-role': 'reasoning-text', tabindex: 0 });
  /** The streamed reasoning's one text node: a delta is appended to it, the text before it is not set again. */
  private readonly streamedNode = document.createTextNode('');
  private readonly redacted = h('p', { class: 'reasoning-redacted', hidden: true });
  readonly element: HTMLDetailsElement;
  private streamed = '';

  constructor(deploymentId: string) {
    this.element = h('details', { class: 'reasoning', 'data-role': 'reasoning', hidden: true, 'aria-label': `Reasoning of ${deploymentId}` }, this.summary, this.redacted, this.text);
    this.text.append(this.streamedNode);
  }

  get value(): string {
    return this.streamed;
  }

  /** More reasoning while it streams: shown at once, the section stays as the reader left it (open or closed). */
  append(text: string): void {
    this.streamed += text;
    this.streamedNode.appendData(text);
    if (this.element.hidden || this.summary.textContent !== 'Reasoning (thinking…)') this.show('thinking…');
  }

  /** The answer ended: its whole reasoning, the tokens it took (null: not counted), and how many blocks were redacted. */
  finish(reasoning: string | null, tokens: number | null | undefined, redactedBlocks: number): void {
    if (reasoning !== null && reasoning !== this.streamed) {
      this.streamed = reasoning;
      this.streamedNode.data = reasoning;
    }
    this.text.hidden = this.streamed === '';
    this.redacted.hidden = redactedBlocks === 0;
    this.redacted.textContent = redactedBlocks ? `Redacted reasoning: ${redactedBlocks} block${redactedBlocks === 1 ? '' : 's'} the cloud sent encrypted only (kept, and sent back unchanged in the next turn).` : '';
    if (this.streamed === '' && redactedBlocks === 0) {
      this.element.hidden = true;
      return;
    }
    const parts = [tokens ? `${formatNumber(tokens)} tokens` : '', this.streamed ? `${formatNumber(this.streamed.length)} characters` : '', redactedBlocks ? 'partly redacted' : ''].filter(Boolean);
    this.show(parts.join(' · '));
  }

  private show(detail: string): void {
    this.element.hidden = false;
    this.summary.textContent = detail ? `Reasoning (${detail})` : 'Reasoning';
  }
}
