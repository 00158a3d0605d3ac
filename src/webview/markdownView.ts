/**
 * Draws a streaming answer (markdownStream.ts) in the DOM. Finished blocks go into pages (`.md-page`), each laid out
 * and painted on its own and skipped while off screen (`content-visibility: auto`); a page is never touched again once
 * the next one starts. The open block (`.md-tail`) is the only part drawn again; an open code fence gets its new lines
 * appended in groups of lines, each a box of its own, so a long fence is not laid out again as a whole on each frame.
 * Everything rendered from markdown goes through DOMPurify, straight into DOM nodes (no HTML string parsed twice).
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import type { MarkdownView } from './markdownStream';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });
DOMPurify.setConfig({ USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'img'], FORBID_ATTR: ['style'], RETURN_DOM_FRAGMENT: true });

/** Markdown as sanitised DOM nodes. */
export function renderMarkdown(text: string): DocumentFragment {
  return DOMPurify.sanitize(markdown.render(text)) as unknown as DocumentFragment;
}

/** How many lines of an open fence share one box. */
const FENCE_GROUP_LINES = 64;

export class MarkdownDom implements MarkdownView {
  private readonly pages = document.createElement('div');
  private readonly tail = document.createElement('div');
  private page: HTMLElement | null = null;
  private fence: { code: HTMLElement; group: HTMLElement; groupLines: number; partial: Text } | null = null;

  constructor(readonly element: HTMLElement) {
    this.pages.className = 'md-pages';
    this.tail.className = 'md-tail';
    element.replaceChildren(this.pages, this.tail);
  }

  appendFinished(text: string, newPage: boolean): void {
    if (newPage || !this.page) {
      this.page = document.createElement('div');
      this.page.className = 'md-page';
      this.pages.append(this.page);
    }
    const chunk = document.createElement('div');
    chunk.className = 'md-chunk';
    chunk.append(renderMarkdown(text));
    this.page.append(chunk);
  }

  showTail(text: string): void {
    this.fence = null;
    if (text.trim() === '') this.tail.replaceChildren();
    else this.tail.replaceChildren(renderMarkdown(text));
  }

  startFence(info: string): void {
    // the same element markdown-it makes for a fence: <pre><code class="language-…">
    const pre = document.createElement('pre');
    const code = document.createElement('code');
    const language = info.split(/\s+/)[0];
    if (language) code.className = `language-${language}`;
    const partial = document.createTextNode('');
    code.append(partial);
    pre.append(code);
    this.fence = { code, group: this.newGroup(code, partial), groupLines: 0, partial };
    this.tail.replaceChildren(pre);
  }

  appendFenceLines(text: string): void {
    const fence = this.fence;
    if (!fence) return;
    const clean = text.replace(/\r\n/g, '\n');
    const lines = clean.split('\n').length - 1;
    if (fence.groupLines >= FENCE_GROUP_LINES) {
      fence.group = this.newGroup(fence.code, fence.partial);
      fence.groupLines = 0;
    }
    fence.group.append(clean);
    fence.groupLines += lines;
  }

  setFencePartial(text: string): void {
    if (this.fence && this.fence.partial.data !== text) this.fence.partial.data = text;
  }

  clear(): void {
    this.page = null;
    this.fence = null;
    this.pages.replaceChildren();
    this.tail.replaceChildren();
  }

  private newGroup(code: HTMLElement, before: Node): HTMLElement {
    const group = document.createElement('span');
    group.className = 'md-lines';
    code.insertBefore(group, before);
    return group;
  }
}
