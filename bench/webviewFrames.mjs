// Figure 5: frames in the real playground webview (and the workbench around it) while 6 columns stream
// 20,000 tokens each at 500 tokens/s (FANOUT_BENCH_QUICK=1: 2,000 tokens). The packaged extension runs in
// code-server; an OpenAI-compatible emulator serves markdown answers; requestAnimationFrame intervals and long
// tasks are recorded inside the webview and in the workbench page. FANOUT_BENCH_COLUMNS sets the column count
// (24: the many-columns layout). Usage: node bench/webviewFrames.mjs OUT.json
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../scripts/lib/codeServer.mjs';
import { openWorkbench, playgroundFrame, runCommand } from '../test/e2e/workbench.mjs';

const require = createRequire(import.meta.url);
const out = process.argv[2] ?? join(ROOT, 'bench/results/webview-frames.json');
const TOKENS = Number(process.env.FANOUT_BENCH_TOKENS ?? (process.env.FANOUT_BENCH_QUICK === '1' ? 2_000 : 20_000));
const RATE = 500;
const COLUMNS = Number(process.env.FANOUT_BENCH_COLUMNS ?? 6);

function markdownAnswer(words) {
  const parts = [];
  for (let i = 0; parts.length < words; i++) {
    if (i % 9 === 8) parts.push('```ts\nconst fanout = await run(prompt, deployments);\nconsole.log(fanout.results.length);\n```\n\n');
    else if (i % 5 === 4) parts.push('- one cloud\n- another cloud\n- **the same** prompt\n\n');
    for (let w = 0; w < 50; w++) parts.push(['Fanout', 'streams', 'one', 'prompt', 'to', '`every`', 'cloud', 'and', '*compares*', 'answers'][w % 10]);
    parts.push('\n\n');
  }
  return parts.slice(0, words).join(' ');
}

const vsix = join(mkdtempSync(join(tmpdir(), 'fanout-bench-vsix-')), 'fanout.vsix');
execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'ignore' });
const { OpenAIEmulator } = require(join(ROOT, 'out/test/emulators/openai.js'));
const emulator = await new OpenAIEmulator({ rules: { default: { text: markdownAnswer(TOKENS), tokensPerSecond: RATE, firstTokenDelayMs: 100 } } }).start();
const deployments = Array.from({ length: COLUMNS }, (_, i) => ({ id: `stream-${i + 1}`, provider: 'openai-compatible', model: `model-${i + 1}`, baseUrl: `${emulator.url}/v1` }));
const server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'fanout.history.enabled': false } });
const browser = await launchChromium();
const probe = () => {
  window.__frames = [];
  window.__long = [];
  window.__slow = [];
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
const collect = () => {
  window.__stop = true;
  return { frames: window.__frames, long: window.__long, slow: window.__slow };
};
const summarise = ({ frames, long, slow }) => {
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    frames: frames.length,
    maxFrameMs: Math.round(sorted.at(-1) ?? 0),
    p95FrameMs: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    framesOver50ms: frames.filter((f) => f > 50).length,
    droppedFrames: frames.reduce((sum, f) => sum + Math.max(0, Math.round(f / (1000 / 60)) - 1), 0),
    longTasks: long.length,
    longestTaskMs: Math.round(Math.max(0, ...long)),
    /** [ms since the run started, frame length, columns still streaming] for every frame over 50 ms */
    slowFrames: slow ?? [],
  };
};
let result;
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 920 } });
  await openWorkbench(page, server.url, server.workspace);
  await runCommand(page, 'Fanout: Open Playground');
  const frame = await playgroundFrame(page);
  await frame.fill('#prompt', 'Write a long answer.');
  await frame.evaluate(probe);
  await page.evaluate(probe);
  const started = Date.now();
  await frame.click('#run');
  await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment][data-status="ok"], [data-deployment][data-status="error"]').length === count, COLUMNS, { timeout: (TOKENS / RATE) * 1000 * 3 + 30_000 + COLUMNS * 10_000, polling: 1000 });
  const seconds = (Date.now() - started) / 1000;
  const webview = summarise(await frame.evaluate(collect));
  const workbench = summarise(await page.evaluate(collect));
  const words = await frame.$$eval('[data-role="output"]', (outputs) => outputs.map((output) => output.textContent.split(/\s+/).filter(Boolean).length));
  result = { columns: COLUMNS, tokensPerColumn: TOKENS, tokensPerSecond: RATE, seconds, webview, workbench, renderedWordsPerColumn: words };
} finally {
  await browser.close().catch(() => {});
  server.stop();
  await emulator.stop();
}
writeFileSync(out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
