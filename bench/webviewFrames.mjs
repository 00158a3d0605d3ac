// Figure 5: frames in the real playground webview (and the workbench around it) while its columns stream 20,000
// tokens each at 500 tokens/s (FANOUT_BENCH_QUICK=1: 2,000 tokens). The packaged extension runs in code-server; an
// OpenAI-compatible emulator serves the answers; requestAnimationFrame intervals and long tasks are recorded inside
// the webview and in the workbench page. Runs, each in a fresh editor: 6 columns of markdown, 12 columns of markdown,
// and the same-run baseline: 6 columns of plain text of the same length and paragraphs (FANOUT_BENCH_COLUMNS=N runs
// only N columns of markdown). Also counts changes to finished blocks after they were drawn (there should be none).
// Usage: node bench/webviewFrames.mjs OUT.json
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/lib/codeServer.mjs';
import { markdownAnswer, openPlaygroundRig, plainAnswer, waitForColumns } from './webviewRig.mjs';

const out = process.argv[2] ?? join(ROOT, 'bench/results/webview-frames.json');
const TOKENS = Number(process.env.FANOUT_BENCH_TOKENS ?? (process.env.FANOUT_BENCH_QUICK === '1' ? 2_000 : 20_000));
const RATE = 500;
/** FANOUT_BENCH_FOLLOW=1: every column is scrolled to its end four times a second, as a reader following the answers
 * would (the open block and the newest page then stay on screen, so they are laid out and painted). */
const FOLLOW = process.env.FANOUT_BENCH_FOLLOW === '1';
const RUNS = process.env.FANOUT_BENCH_COLUMNS
  ? [{ columns: Number(process.env.FANOUT_BENCH_COLUMNS), text: 'markdown' }]
  : [{ columns: 6, text: 'markdown' }, { columns: 12, text: 'markdown' }, { columns: 6, text: 'plain' }];

const probe = () => {
  window.__frames = [];
  window.__long = [];
  window.__slow = [];
  window.__finishedTouched = 0;
  window.__t0 = performance.now();
  let last = performance.now();
  const tick = (now) => {
    if (now - last > 50) window.__slow.push([Math.round(now - window.__t0), Math.round(now - last), document.querySelectorAll('[data-status="streaming"]').length]);
    window.__frames.push(now - last);
    last = now;
    if (!window.__stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__long.push(entry.duration); }).observe({ type: 'longtask', buffered: false });
  } catch { /* long tasks not supported */ }
};
/** In the webview, once the columns exist: a drawn page of finished blocks is only ever appended to. */
const watchFinished = () => {
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
      if (!target?.closest('.md-page')) continue;
      if (record.type === 'characterData' || record.removedNodes.length > 0) window.__finishedTouched++;
    }
  });
  for (const pages of document.querySelectorAll('.md-pages')) observer.observe(pages, { childList: true, subtree: true, characterData: true });
  window.__watch = observer;
};
const collect = () => {
  window.__stop = true;
  window.__watch?.disconnect();
  return { frames: window.__frames, long: window.__long, slow: window.__slow, finishedTouched: window.__finishedTouched };
};
const summarise = ({ frames, long, slow }) => {
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    frames: frames.length,
    maxFrameMs: Math.round(sorted.at(-1) ?? 0),
    p95FrameMs: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    p50FrameMs: Math.round(sorted[Math.floor(sorted.length * 0.5)] ?? 0),
    framesOver50ms: frames.filter((f) => f > 50).length,
    droppedFrames: frames.reduce((sum, f) => sum + Math.max(0, Math.round(f / (1000 / 60)) - 1), 0),
    longTasks: long.length,
    longestTaskMs: Math.round(Math.max(0, ...long)),
    /** [ms since the run started, frame length, columns still streaming] for every frame over 50 ms */
    slowFrames: slow ?? [],
  };
};

async function measure({ columns, text }) {
  const answer = text === 'plain' ? plainAnswer(TOKENS) : markdownAnswer(TOKENS);
  const rig = await openPlaygroundRig({ columns, text: answer, rate: RATE });
  try {
    const { frame, page } = rig;
    await frame.evaluate(probe);
    await page.evaluate(probe);
    const loadBefore = loadavg()[0];
    const started = Date.now();
    await frame.click('#run');
    if (FOLLOW) await frame.evaluate(() => { window.__follow = setInterval(() => { for (const body of document.querySelectorAll('.column-body')) body.scrollTop = body.scrollHeight; }, 250); });
    // (a build from before the pages has none to watch)
    if (await frame.waitForSelector('.md-pages', { timeout: 20_000 }).then(() => true, () => false)) await frame.evaluate(watchFinished);
    // a build that cannot keep up may not finish in time: what it drew until then is still its figure
    const finished = await waitForColumns(frame, columns, (TOKENS / RATE) * 1000 * 3 + 30_000 + columns * 10_000).then(() => true, () => false);
    const seconds = (Date.now() - started) / 1000;
    const inWebview = await frame.evaluate(collect);
    const webview = summarise(inWebview);
    const workbench = summarise(await page.evaluate(collect));
    const words = await frame.$$eval('[data-role="output"]', (outputs) => outputs.map((output) => output.textContent.split(/\s+/).filter(Boolean).length));
    if (FOLLOW) await frame.evaluate(() => clearInterval(window.__follow));
    return { columns, text, following: FOLLOW, tokensPerColumn: TOKENS, tokensPerSecond: RATE, seconds, finished, loadAverage: [loadBefore, loadavg()[0]].map((load) => Number(load.toFixed(2))), webview, workbench, finishedBlocksTouched: inWebview.finishedTouched, renderedWordsPerColumn: words };
  } finally {
    await rig.stop();
  }
}

const runs = [];
for (const run of RUNS) {
  runs.push(await measure(run));
  const last = runs.at(-1);
  console.error(`figure 5: ${last.columns} columns of ${last.text}${last.finished ? '' : ` (NOT finished after ${last.seconds} s)`}: longest frame ${last.webview.maxFrameMs} ms, p95 ${last.webview.p95FrameMs} ms, ${last.webview.framesOver50ms} over 50 ms (load ${last.loadAverage.join(' → ')})`);
}
const result = { runs };
writeFileSync(out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
