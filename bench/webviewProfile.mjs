// Where figure 5's long frames come from: the same run as bench/webviewFrames.mjs, recorded with the renderer's own
// profiler over the Chrome DevTools Protocol. A window of the stream (FANOUT_PROFILE_AFTER_MS after Run, for
// FANOUT_PROFILE_MS) is traced (Tracing domain: tasks, layout, style recalculation, paint, GC) and sampled (Profiler
// domain: which functions the main thread ran). Prints, for the renderer's main thread, the time inside tasks by
// kind, the tasks over 50 ms and what filled them, and the JavaScript functions and scripts that took the most.
// Usage: node bench/webviewProfile.mjs [OUT.json]   (FANOUT_BENCH_COLUMNS, FANOUT_BENCH_TOKENS as figure 5)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/lib/codeServer.mjs';
import { markdownAnswer, openPlaygroundRig, waitForColumns } from './webviewRig.mjs';

const out = process.argv[2] ?? join(ROOT, 'bench/results/webview-profile.json');
const TOKENS = Number(process.env.FANOUT_BENCH_TOKENS ?? 20_000);
const COLUMNS = Number(process.env.FANOUT_BENCH_COLUMNS ?? 6);
const RATE = 500;
const AFTER_MS = Number(process.env.FANOUT_PROFILE_AFTER_MS ?? 10_000);
const WINDOW_MS = Number(process.env.FANOUT_PROFILE_MS ?? 10_000);
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing', 'toplevel', 'disabled-by-default-v8.gc'];

/** Reads a trace the browser hands back as a stream. */
async function readStream(session, handle) {
  let text = '';
  for (;;) {
    const { data, eof, base64Encoded } = await session.send('IO.read', { handle, size: 1 << 20 });
    text += base64Encoded ? Buffer.from(data, 'base64').toString('utf8') : data;
    if (eof) break;
  }
  await session.send('IO.close', { handle });
  return JSON.parse(text);
}

/** Complete events ('X', or B/E pairs) of one thread, each with its self time (its duration minus its children's). */
function selfTimes(events) {
  const sorted = events.filter((event) => event.ph === 'X' && typeof event.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const stack = [];
  for (const event of sorted) {
    event.self = event.dur;
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= event.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) {
      parent.self -= event.dur;
      event.top = parent.top;
    } else event.top = event;
    stack.push(event);
  }
  return sorted;
}

const KIND = (name) => {
  if (/GC|Scavenge|MarkCompact|Sweep|Minor|Major/i.test(name)) return 'GC';
  if (name === 'Layout' || name === 'LayoutShift' || /Layout/.test(name)) return 'layout';
  if (name === 'UpdateLayoutTree' || name === 'RecalculateStyles' || name === 'ScheduleStyleRecalculation' || name === 'ParseAuthorStyleSheet') return 'style';
  if (/Paint|Raster|Composite|Layerize|PrePaint|UpdateLayer|Commit/.test(name)) return 'paint/composite';
  if (name === 'ParseHTML' || name === 'HTMLDocumentParser::...') return 'parse HTML';
  if (/FunctionCall|EvaluateScript|v8\.|V8\.|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.run/.test(name)) return 'script';
  return 'other';
};

function analyseTrace(trace) {
  const events = trace.traceEvents ?? trace;
  const threads = new Map();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name') threads.set(`${event.pid}:${event.tid}`, event.args.name);
  const byThread = new Map();
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (threads.get(key) !== 'CrRendererMain') continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(event);
  }
  const result = [];
  for (const [thread, list] of byThread) {
    const all = selfTimes(list);
    const tasks = all.filter((event) => event.top === event && (event.name === 'RunTask' || event.name === 'ThreadControllerImpl::RunTask'));
    if (tasks.length === 0) continue;
    const kinds = {};
    const names = {};
    for (const event of all) {
      if (!tasks.includes(event.top)) continue;
      const kind = KIND(event.name);
      kinds[kind] = (kinds[kind] ?? 0) + event.self / 1000;
      names[event.name] = (names[event.name] ?? 0) + event.self / 1000;
    }
    const long = tasks.filter((task) => task.dur > 50_000).map((task) => {
      const inside = {};
      for (const event of all) if (event.top === task) inside[event.name] = (inside[event.name] ?? 0) + event.self / 1000;
      return { ms: Math.round(task.dur / 1000), inside: Object.fromEntries(Object.entries(inside).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, ms]) => [name, Math.round(ms)])) };
    });
    const busy = tasks.reduce((sum, task) => sum + task.dur / 1000, 0);
    result.push({
      thread, tasks: tasks.length, busyMs: Math.round(busy),
      byKind: Object.fromEntries(Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([kind, ms]) => [kind, Math.round(ms)])),
      byEvent: Object.fromEntries(Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, ms]) => [name, Math.round(ms)])),
      tasksOver50ms: long.length, longest: long.sort((a, b) => b.ms - a.ms).slice(0, 8),
    });
  }
  return result.sort((a, b) => b.busyMs - a.busyMs);
}

function analyseProfile(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  const byScript = {};
  const byFunction = {};
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const script = url ? url.replace(/^.*\//, '').replace(/\?.*$/, '') : `(${functionName})`;
    byScript[script] = (byScript[script] ?? 0) + ms;
    const name = `${functionName || '(anonymous)'} ${script}:${lineNumber + 1}`;
    byFunction[name] = (byFunction[name] ?? 0) + ms;
  }
  const top = (table, n) => Object.fromEntries(Object.entries(table).sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, ms]) => [key, Math.round(ms)]));
  return { byScript: top(byScript, 12), byFunction: top(byFunction, 30) };
}

const rig = await openPlaygroundRig({ columns: COLUMNS, text: markdownAnswer(TOKENS), rate: RATE });
let result;
try {
  const browserSession = await rig.browser.newBrowserCDPSession();
  // the webview's frames are same-site with the workbench, so they share its renderer: one page session samples both
  const pageSession = await rig.page.context().newCDPSession(rig.page);
  await pageSession.send('Profiler.enable');
  await pageSession.send('Profiler.setSamplingInterval', { interval: 250 });
  await rig.frame.click('#run');
  // FANOUT_BENCH_FOLLOW=1: as in figure 5, every column scrolled to its end four times a second
  if (process.env.FANOUT_BENCH_FOLLOW === '1') await rig.frame.evaluate(() => setInterval(() => { for (const body of document.querySelectorAll('.column-body')) body.scrollTop = body.scrollHeight; }, 250));
  await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
  // the sampler first: starting it stalls the thread, and that stall is not what the trace is about
  await pageSession.send('Profiler.start');
  const complete = new Promise((resolve) => browserSession.once('Tracing.tracingComplete', resolve));
  await browserSession.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReturnAsStream' });
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const { profile } = await pageSession.send('Profiler.stop');
  await browserSession.send('Tracing.end');
  const { stream } = await complete;
  const trace = await readStream(browserSession, stream);
  writeFileSync(out.replace(/\.json$/, '.trace.json'), JSON.stringify(trace));
  writeFileSync(out.replace(/\.json$/, '.cpuprofile'), JSON.stringify(profile));
  result = { columns: COLUMNS, tokensPerColumn: TOKENS, windowMs: WINDOW_MS, afterMs: AFTER_MS, renderer: analyseTrace(trace), javascript: analyseProfile(profile) };
  await waitForColumns(rig.frame, COLUMNS, (TOKENS / RATE) * 1000 * 3 + 30_000 + COLUMNS * 10_000);
} finally {
  await rig.stop();
}
writeFileSync(out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
