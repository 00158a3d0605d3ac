/**
 * The streaming answer's markdown: where a growing text splits into finished blocks and its open block
 * (src/webview/markdownBlocks.ts), and that a finished block is drawn once and never again (src/webview/markdownStream.ts).
 * markdown-it runs in node, so "rendered apart renders as together" is checked on its real output.
 */
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { MarkdownBlocks } from '../../src/webview/markdownBlocks';
import { MarkdownStream, PAGE_CHARS, type MarkdownView } from '../../src/webview/markdownStream';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

/** Feeds `text` in pieces of the given sizes (cycled); returns every finished block, in order, and the open rest. */
function split(text: string, sizes: number[] = [1, 3, 7, 2, 11]): { blocks: string[]; rest: string } {
  const splitter = new MarkdownBlocks();
  const blocks: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length]!;
    blocks.push(...splitter.push(text.slice(at, at + size)));
    at += size;
  }
  return { blocks, rest: splitter.end() };
}

/** A small deterministic generator: the same "random" deltas on every run. */
function deltas(text: string, seed: number): string[] {
  const pieces: string[] = [];
  let state = seed;
  for (let at = 0; at < text.length;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 40);
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  return pieces;
}

const DOCUMENTS: Record<string, string> = {
  paragraphs: 'First paragraph\nstill the first.\n\nSecond *one*, with `code`.\n\n# A heading\n\nLast words',
  fences: 'Intro:\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nAfter the fence, no blank line.\n\n~~~\nplain\n\n```\nstill inside the tilde fence\n~~~\n\nEnd.',
  'a longer closing fence': '````md\n```\nnot a close\n```\n\nstill code\n`````\nout\n',
  'backticks in the info string are not a fence': '```not `a` fence\n\ntext\n',
  table: 'Results:\n\n| cloud | ms |\n|---|---:|\n| openai | 210 |\n| bedrock | 340 |\n\nDone.',
  'nested list with an indented paragraph': '- one\n\n  more of one\n\n  - nested\n\n    nested more\n- two\n\nAfter the list.',
  quote: '> a quote\n> on two lines\n\n> another\n\ntext',
  'indented code after a blank stays with its block': 'para\n\n    code line\n\n    code again\n\nnext',
  'one space in': 'A paragraph\n\n another one\n\n ```js\n let a;\n\n  let b;\n ```\n\n - item\n\n   more\n',
  crlf: 'One\r\nline two\r\n\r\n```js\r\nx = 1;\r\n\r\ny = 2;\r\n```\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n\r\nEnd\r\n',
};

describe('markdown blocks (a streaming answer split into finished blocks)', () => {
  it('cuts at a blank line followed by a line indented by at most one space, and nowhere else', () => {
    assert.deepEqual(split('one\ntwo\n\nthree\n\n  indented\n\n four\n\n\tfive').blocks, ['one\ntwo\n\n', 'three\n\n  indented\n\n']);
    assert.deepEqual(split('one\n\n four\n\n\tfive').blocks, ['one\n\n']);
  });

  it('knows a block has started from the first character of its line', () => {
    const splitter = new MarkdownBlocks();
    assert.deepEqual(splitter.push('First.\n\n '), []);
    assert.deepEqual(splitter.push('S'), ['First.\n\n']);
    assert.equal(splitter.tail, ' S');
  });

  it('never cuts inside a code fence, cuts before a fence at column 0 and after its closing line', () => {
    const { blocks, rest } = split(DOCUMENTS.fences!);
    assert.deepEqual(blocks, [
      'Intro:\n',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```\n',
      'After the fence, no blank line.\n\n',
      '~~~\nplain\n\n```\nstill inside the tilde fence\n~~~\n',
      '\n',
    ]);
    assert.equal(rest, 'End.');
  });

  it('a fence closes only with at least as many of the same character', () => {
    const { blocks, rest } = split(DOCUMENTS['a longer closing fence']!);
    assert.deepEqual(blocks, ['````md\n```\nnot a close\n```\n\nstill code\n`````\n']);
    assert.equal(rest, 'out\n');
  });

  it('keeps a table whole, and a list item\'s indented paragraph with its item', () => {
    assert.deepEqual(split(DOCUMENTS.table!).blocks, ['Results:\n\n', '| cloud | ms |\n|---|---:|\n| openai | 210 |\n| bedrock | 340 |\n\n']);
    assert.deepEqual(split(DOCUMENTS['nested list with an indented paragraph']!).blocks, ['- one\n\n  more of one\n\n  - nested\n\n    nested more\n- two\n\n']);
  });

  it('a fence left open is the open block, shown as a fence with its content start', () => {
    const splitter = new MarkdownBlocks();
    assert.deepEqual(splitter.push('Text before.\n```python\nprint(1)\n\nprint(2)\n'), ['Text before.\n']);
    assert.equal(splitter.tail, '```python\nprint(1)\n\nprint(2)\n');
    assert.deepEqual(splitter.openFence, { info: 'python', indent: 0, contentStart: '```python\n'.length });
    assert.deepEqual(splitter.push('\nno close yet\n\nNot a new block'), []);
    assert.deepEqual(splitter.push('\n```\n'), ['```python\nprint(1)\n\nprint(2)\n\nno close yet\n\nNot a new block\n```\n']);
    assert.equal(splitter.openFence, null);
  });

  it('a fence indented by one space is a block of its own, its content shown without that space', () => {
    const splitter = new MarkdownBlocks();
    assert.deepEqual(splitter.push('Text\n ```sh\n ls\n\n'), ['Text\n']);
    assert.deepEqual(splitter.openFence, { info: 'sh', indent: 1, contentStart: ' ```sh\n'.length });
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    stream.append(' ```sh\n ls\n  pwd\n cd');
    stream.render();
    assert.equal(view.fenceLines, 'ls\n pwd\n');
    assert.equal(view.partial, 'cd');
    assert.equal(markdown.render(' ```sh\n ls\n  pwd\n cd\n ```'), '<pre><code class="language-sh">ls\n pwd\ncd\n</code></pre>\n');
  });

  it('an indented fence is tracked (no cut inside it) but is not shown as an open fence', () => {
    const splitter = new MarkdownBlocks();
    assert.deepEqual(splitter.push('- item\n  ```\n  code\n\nnot a block\n'), []);
    assert.equal(splitter.openFence, null);
  });

  it('CRLF line ends cut at the same places as LF', () => {
    const lf = split(DOCUMENTS.crlf!.replace(/\r\n/g, '\n'));
    const crlf = split(DOCUMENTS.crlf!);
    assert.deepEqual(crlf.blocks.map((block) => block.replace(/\r\n/g, '\n')), lf.blocks);
    assert.equal(crlf.blocks.length, 4);
  });

  it('a line counts only once its end has arrived: a fence marker cut in two is still one fence', () => {
    const splitter = new MarkdownBlocks();
    assert.deepEqual(splitter.push('Hi\n`'), []);
    assert.deepEqual(splitter.push('``js'), []);
    assert.deepEqual(splitter.push('\n'), ['Hi\n']);
    assert.equal(splitter.openFence?.info, 'js');
  });

  for (const [name, text] of Object.entries(DOCUMENTS)) {
    it(`rendered block by block equals the whole rendered at once: ${name}`, () => {
      for (const seed of [1, 2, 3]) {
        const splitter = new MarkdownBlocks();
        const blocks: string[] = [];
        for (const piece of deltas(text, seed)) blocks.push(...splitter.push(piece));
        blocks.push(splitter.end());
        assert.equal(blocks.join(''), text);
        assert.equal(blocks.map((block) => markdown.render(block)).join(''), markdown.render(text), `seed ${seed}`);
      }
    });
  }

  it('a loose list split at its blank lines keeps its items and their numbers', () => {
    const text = '1. first\n\n2. second\n\n3. third\n';
    const { blocks, rest } = split(text);
    const html = [...blocks, rest].map((block) => markdown.render(block)).join('');
    assert.deepEqual([...html.matchAll(/<li>(?:<p>)?(\w+)/g)].map((match) => match[1]), ['first', 'second', 'third']);
    assert.match(html, /<ol start="2">/);
  });
});

/** A view that records what it is asked to draw. */
class RecordingView implements MarkdownView {
  finished: Array<{ text: string; newPage: boolean }> = [];
  tails: string[] = [];
  fenceStarts: string[] = [];
  fenceLines = '';
  partial = '';
  clears = 0;
  appendFinished(text: string, newPage: boolean): void {
    this.finished.push({ text, newPage });
  }
  showTail(text: string): void {
    this.tails.push(text);
  }
  startFence(info: string): void {
    this.fenceStarts.push(info);
    this.fenceLines = '';
  }
  appendFenceLines(text: string): void {
    this.fenceLines += text;
  }
  setFencePartial(text: string): void {
    this.partial = text;
  }
  clear(): void {
    this.clears++;
  }
}

/** Like bench/webviewRig.mjs: paragraphs, lists every fifth block, a fenced block every ninth. */
function longAnswer(words: number): string {
  const parts: string[] = [];
  for (let i = 0; parts.length < words; i++) {
    if (i % 9 === 8) parts.push('```ts\nconst fanout = await run(prompt, deployments);\nconsole.log(fanout.results.length);\n```\n\n');
    else if (i % 5 === 4) parts.push('- one cloud\n- another cloud\n- **the same** prompt\n\n');
    for (let w = 0; w < 50; w++) parts.push(['Fanout', 'streams', 'one', 'prompt', 'to', '`every`', 'cloud', 'and', '*compares*', 'answers'][w % 10]!);
    parts.push('\n\n');
  }
  return parts.slice(0, words).join(' ');
}

describe('markdown stream (finished blocks drawn once)', () => {
  it('draws each finished block once, in pages, and redraws only the open block', () => {
    const text = longAnswer(20_000);
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    let longestTail = 0;
    for (const [index, piece] of deltas(text, 7).entries()) {
      stream.append(piece);
      if (index % 3 === 0) stream.render(); // a frame every few deltas
      longestTail = Math.max(longestTail, view.tails.at(-1)?.length ?? 0);
    }
    stream.end();
    assert.equal(stream.value, text);
    // everything drawn as finished, plus the last open block, is the answer: nothing drawn twice, nothing left out
    assert.equal(view.finished.map((drawn) => drawn.text).join('') + view.tails.at(-1), text);
    // the open block is one paragraph at most (with the blank line after it): what is redrawn per frame does not
    // grow with the answer
    const longestParagraph = Math.max(...text.split(/\n\s*\n/).map((block) => block.length));
    assert.ok(longestTail <= longestParagraph + 4, `open block ${longestTail} chars, longest paragraph ${longestParagraph}`);
    // pages hold about PAGE_CHARS each, and every page but the last is full
    const pages: number[] = [];
    for (const drawn of view.finished) {
      if (drawn.newPage) pages.push(0);
      pages[pages.length - 1]! += drawn.text.length;
    }
    assert.ok(pages.length >= Math.floor(text.length / PAGE_CHARS) - 1 && pages.length <= Math.ceil(text.length / PAGE_CHARS) + 1, `${pages.length} pages for ${text.length} chars`);
    for (const size of pages.slice(0, -1)) assert.ok(size > PAGE_CHARS / 2 && size <= PAGE_CHARS + 1000, `page of ${size} chars`);
  });

  it('a frame with nothing new draws nothing', () => {
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    stream.append('Hello\n\nWorld');
    stream.render();
    const drawn = view.finished.length + view.tails.length;
    stream.render();
    stream.render();
    assert.equal(view.finished.length + view.tails.length, drawn);
  });

  it('an open fence gets only its new lines, then is drawn once as a finished block when it closes', () => {
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    stream.append('Look:\n```ts\nconst a');
    stream.render();
    assert.deepEqual(view.finished.map((drawn) => drawn.text), ['Look:\n']);
    assert.deepEqual(view.fenceStarts, ['ts']);
    assert.equal(view.partial, 'const a');
    for (let line = 0; line < 200; line++) {
      stream.append(` = ${line};\nconst a`);
      stream.render();
    }
    assert.deepEqual(view.fenceStarts, ['ts'], 'the fence is started once, not redrawn');
    assert.equal(view.fenceLines.split('\n').length - 1, 200);
    assert.equal(view.tails.length, 0, 'no frame rendered the open fence as markdown');
    stream.append(' = 0;\n```\nAfter');
    stream.render();
    assert.equal(view.finished.length, 2);
    assert.match(view.finished[1]!.text, /^```ts\n[\s\S]*\n```\n$/);
    assert.deepEqual(view.tails, ['After']);
  });

  it('an answer that ends inside a fence draws its open block once as markdown at the end', () => {
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    stream.append('```\nunfinished\n');
    stream.render();
    stream.end();
    assert.deepEqual(view.tails, ['```\nunfinished\n']);
    assert.equal(markdown.render(view.tails[0]!), '<pre><code>unfinished\n</code></pre>\n');
  });

  it('reset draws the new text from an empty view', () => {
    const view = new RecordingView();
    const stream = new MarkdownStream(view);
    stream.append('old\n\ntext');
    stream.render();
    stream.reset('new\n\nanswer');
    stream.end();
    assert.equal(view.clears, 1);
    assert.equal(stream.value, 'new\n\nanswer');
    assert.deepEqual(view.finished.at(-1), { text: 'new\n\n', newPage: true });
    assert.equal(view.tails.at(-1), 'answer');
  });
});
