/**
 * A streaming answer, rendered so that the work per frame stays the same however long the answer grows: finished
 * blocks (markdownBlocks.ts) are rendered once, appended and never touched again; only the open block at the end
 * is rendered again, and an open code fence only gets its new lines. Finished blocks are gathered into pages of
 * about PAGE_CHARS characters, so the page (not each block) is the unit the browser lays out and skips off screen.
 * What "rendered" means is the view's (markdownView.ts draws it in the DOM); this file is pure and tested in node.
 */
import { MarkdownBlocks } from './markdownBlocks';

/** Where a streaming answer is drawn. */
export interface MarkdownView {
  /** Finished blocks, rendered once and kept; `newPage`: they start a new page. */
  appendFinished(markdown: string, newPage: boolean): void;
  /** The open block, in place of the one shown before. */
  showTail(markdown: string): void;
  /** The open block is a code fence: an empty one, in place of what was shown. */
  startFence(info: string): void;
  /** More complete lines of the open fence. */
  appendFenceLines(text: string): void;
  /** The open fence's last line, still incomplete, in place of the one before. */
  setFencePartial(text: string): void;
  /** Empties the view. */
  clear(): void;
}

/** A fence's content lines without the spaces its marker was indented by (as markdown renders them). */
function unindent(lines: string, indent: number): string {
  return indent === 0 ? lines : lines.replace(/^ /gm, '');
}

/** About how many characters of finished blocks a page holds before the next page starts. */
export const PAGE_CHARS = 8_000;

export class MarkdownStream {
  private text = '';
  private blocks = new MarkdownBlocks();
  /** Finished blocks not drawn yet. */
  private pending: string[] = [];
  private pageChars = 0;
  private pageStarted = false;
  private tailChanged = false;
  /** How much of the open fence's text is drawn (an index into the open block), or null when no fence is drawn. */
  private fenceShown: number | null = null;

  constructor(private readonly view: MarkdownView) {}

  get value(): string {
    return this.text;
  }

  append(delta: string): void {
    if (!delta) return;
    this.text += delta;
    const finished = this.blocks.push(delta);
    if (finished.length) {
      this.pending.push(...finished);
      this.fenceShown = null;
    }
    this.tailChanged = true;
  }

  /** Replaces the whole text (a finished column's authoritative answer, or a restored one). */
  reset(text: string): void {
    this.text = '';
    this.blocks = new MarkdownBlocks();
    this.pending = [];
    this.pageChars = 0;
    this.pageStarted = false;
    this.fenceShown = null;
    this.tailChanged = true;
    this.view.clear();
    this.append(text);
  }

  /** Draws what changed since the last call (once per animation frame). */
  render(): void {
    this.drawFinished();
    if (!this.tailChanged) return;
    this.tailChanged = false;
    const fence = this.blocks.openFence;
    const tail = this.blocks.tail;
    if (!fence) {
      this.view.showTail(tail);
      return;
    }
    if (this.fenceShown === null) {
      this.view.startFence(fence.info);
      this.fenceShown = fence.contentStart;
    }
    const lineEnd = tail.lastIndexOf('\n') + 1;
    if (lineEnd > this.fenceShown) {
      this.view.appendFenceLines(unindent(tail.slice(this.fenceShown, lineEnd), fence.indent));
      this.fenceShown = lineEnd;
    }
    this.view.setFencePartial(unindent(tail.slice(Math.max(lineEnd, this.fenceShown)), fence.indent));
  }

  /** The answer is complete: its open block is finished too, drawn once as markdown (an open fence included). */
  end(): void {
    this.drawFinished();
    this.fenceShown = null;
    this.tailChanged = false;
    this.view.showTail(this.blocks.end());
  }

  /** Pending finished blocks, one render per page they fill. */
  private drawFinished(): void {
    if (this.pending.length === 0) return;
    let group = '';
    let newPage = !this.pageStarted;
    for (const block of this.pending) {
      if (this.pageChars > 0 && this.pageChars + block.length > PAGE_CHARS) {
        if (group) this.view.appendFinished(group, newPage);
        group = '';
        newPage = true;
        this.pageChars = 0;
      }
      group += block;
      this.pageChars += block.length;
    }
    if (group) this.view.appendFinished(group, newPage);
    this.pageStarted = true;
    this.pending = [];
  }
}
