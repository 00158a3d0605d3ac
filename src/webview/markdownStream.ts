/**
 * Renders a growing markdown text cheaply: blocks that can no longer change (before the last blank line outside
 * a code fence) are rendered once and appended; only the open tail is re-rendered on each frame. Everything
 * rendered goes through DOMPurify.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

function sanitise(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'img'], FORBID_ATTR: ['style'] });
}

/**
 * The end of the last complete block after `from`: a blank line with every code fence before it closed.
 * `fencesBefore` is how many fences the text before `from` holds, so each call scans only the new text.
 */
function stableBoundary(text: string, from: number, fencesBefore: number): { end: number; fences: number } {
  let end = from;
  let fencesAtEnd = fencesBefore;
  let fences = fencesBefore;
  let cursor = from;
  const blank = /\n\s*\n/g;
  blank.lastIndex = from;
  for (let match = blank.exec(text); match; match = blank.exec(text)) {
    fences += (text.slice(cursor, match.index).match(/^```/gm) ?? []).length;
    cursor = match.index;
    if (fences % 2 === 0) {
      end = match.index + match[0].length;
      fencesAtEnd = fences;
    }
  }
  return { end, fences: fencesAtEnd };
}

export class MarkdownStream {
  private text = '';
  private stableEnd = 0;
  private stableFences = 0;
  private readonly stable: HTMLElement;
  private readonly tail: HTMLElement;

  constructor(readonly element: HTMLElement) {
    this.stable = document.createElement('div');
    this.tail = document.createElement('div');
    element.replaceChildren(this.stable, this.tail);
  }

  get value(): string {
    return this.text;
  }

  append(delta: string): void {
    this.text += delta;
  }

  /** Replaces the whole text (a finished column's authoritative answer, or a restored one). */
  reset(text: string): void {
    this.text = text;
    this.stableEnd = 0;
    this.stableFences = 0;
    this.stable.replaceChildren();
    this.tail.replaceChildren();
  }

  render(): void {
    const boundary = stableBoundary(this.text, this.stableEnd, this.stableFences);
    if (boundary.end > this.stableEnd) {
      // each finished chunk is its own box, so the browser can skip laying out and painting the ones off screen
      const chunk = document.createElement('div');
      chunk.className = 'md-chunk';
      chunk.innerHTML = sanitise(markdown.render(this.text.slice(this.stableEnd, boundary.end)));
      this.stable.append(chunk);
      this.stableEnd = boundary.end;
      this.stableFences = boundary.fences;
    }
    this.tail.innerHTML = sanitise(markdown.render(this.text.slice(this.stableEnd)));
  }
}
