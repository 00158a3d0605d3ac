/**
 * Splits a growing markdown text into finished blocks and the one open block at its end, looking only at the text
 * that arrived since the last finished block: the work per delta never grows with the answer so far.
 *
 * A block is finished (nothing that comes later can change how it renders) at these boundaries, none inside a code
 * fence:
 * - a blank line followed by a line indented by at most one space (a new paragraph, heading, list item, table,
 *   quote…; a line indented by two or more after a blank may still belong to a list item, so it is not a boundary).
 *   This one is known as soon as the line's first character has arrived;
 * - before a fence indented by at most one space (such a fence ends any paragraph, list or table before it);
 * - after the line that closes such a fence.
 * Fences open with three or more backticks or tildes (up to three spaces in) and close with at least as many of the
 * same character. Lines end with \n or \r\n; a fence line counts once its end has arrived.
 *
 * Blocks rendered apart render as they would together, with one difference: list items separated by blank lines
 * become lists of their own (a loose list renders as consecutive tight ones; the items and their numbers are kept).
 * Pure: no DOM, so the rules are tested in plain node.
 */

/** The open block when it is a code fence at column 0 that has not closed yet: it can be shown line by line. */
export interface OpenFence {
  /** The info string after the opening marker (its first word is the language). */
  info: string;
  /** The opening marker's indentation (0 or 1), taken off each content line as markdown does. */
  indent: number;
  /** Where the fence's content starts in the open block (after the opening line). */
  contentStart: number;
}

interface Fence {
  marker: '`' | '~';
  length: number;
  /** Indented by at most one space: it starts the open block, and its closing line ends it. */
  top: boolean;
  indent: number;
  info: string;
  contentStart: number;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*$/;

export class MarkdownBlocks {
  /** The open block: the text after the last finished block. */
  private open = '';
  /** Where the first line not yet looked at starts, in `open`. */
  private scanned = 0;
  private previousBlank = false;
  private fence: Fence | null = null;

  /** The text after the last finished block. */
  get tail(): string {
    return this.open;
  }

  /** The open block's fence, when it is an unclosed one at column 0. */
  get openFence(): OpenFence | null {
    return this.fence?.top ? { info: this.fence.info, indent: this.fence.indent, contentStart: this.fence.contentStart } : null;
  }

  /** Adds text; returns the blocks it finished, in order (each returned once, never again). */
  push(delta: string): string[] {
    this.open += delta;
    const finished: string[] = [];
    for (;;) {
      const newline = this.open.indexOf('\n', this.scanned);
      if (newline < 0) break;
      const lineStart = this.scanned;
      this.scanned = newline + 1;
      const line = this.open.slice(lineStart, this.open[newline - 1] === '\r' ? newline - 1 : newline);
      const cut = this.look(line, lineStart, this.scanned);
      if (cut !== null && cut > 0) {
        finished.push(this.open.slice(0, cut));
        this.open = this.open.slice(cut);
        this.scanned -= cut;
        if (this.fence) this.fence.contentStart -= cut;
      }
    }
    // after a blank line, a line's first character says whether it starts a block: no need to wait for its end
    if (this.previousBlank && !this.fence && this.scanned > 0 && startsBlock(this.open, this.scanned)) {
      finished.push(this.open.slice(0, this.scanned));
      this.open = this.open.slice(this.scanned);
      this.scanned = 0;
      this.previousBlank = false;
    }
    return finished;
  }

  /** Ends the text: the open block is what is left. */
  end(): string {
    const rest = this.open;
    this.open = '';
    this.scanned = 0;
    this.previousBlank = false;
    this.fence = null;
    return rest;
  }

  /** One complete line (without its line end): where the open block is to be cut, if this line finishes one. */
  private look(line: string, lineStart: number, lineEnd: number): number | null {
    const marker = FENCE.exec(line);
    if (this.fence) {
      const closes = marker && marker[2]![0] === this.fence.marker && marker[2]!.length >= this.fence.length && BLANK.test(marker[3]!);
      if (!closes) return null;
      const top = this.fence.top;
      this.fence = null;
      this.previousBlank = false;
      return top ? lineEnd : null;
    }
    if (marker && !(marker[2]![0] === '`' && marker[3]!.includes('`'))) {
      const top = marker[1]!.length <= 1;
      this.fence = { marker: marker[2]![0] as '`' | '~', length: marker[2]!.length, top, indent: marker[1]!.length, info: marker[3]!.trim(), contentStart: lineEnd };
      this.previousBlank = false;
      // such a fence ends whatever was open before it, and starts a block of its own
      return top ? lineStart : null;
    }
    if (BLANK.test(line)) {
      this.previousBlank = true;
      return null;
    }
    const starts = this.previousBlank && startsBlock(this.open, lineStart);
    this.previousBlank = false;
    return starts ? lineStart : null;
  }
}

/** Whether the line at `at` (after a blank line) is indented by at most one space; false until a character says. */
function startsBlock(text: string, at: number): boolean {
  const first = text[at];
  if (first === undefined || first === '\t' || first === '\r' || first === '\n') return false;
  if (first !== ' ') return true;
  const second = text[at + 1];
  return second !== undefined && second !== ' ' && second !== '\t' && second !== '\r' && second !== '\n';
}
