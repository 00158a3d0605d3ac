// End to end: the playground comparing seven demo deployments at 1680×1000, two of them failing (Azure with a
// wrong key answers 401; a local server nobody runs refuses the connection), with a history of 40 runs. Every
// failure is named in the first view; every text on screen is measured at 4.5:1 or more in the dark, light and
// both high-contrast themes; the prompt keeps its height however long the history; columns and their actions are
// reached by keyboard with a visible focus; status and metrics have names and descriptions for a screen reader.
// It saves the screenshots (test/e2e/screenshots/) and the README's pictures (into FANOUT_PICTURES_DIR when set:
// `npm run pictures`).
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, freePort, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, auditContrast, openWorkbench, packageVsix, pickByDescription, playgroundFrame, runCommand, screenshot, setTheme, smallPicture, waitForQuickInputClosed } from './workbench.mjs';

const require = createRequire(import.meta.url);
const ANSWERING = ['openai-4o-mini', 'bedrock-haiku-us', 'bedrock-sonnet-global', 'gemini-flash', 'ollama-llama'];
const FAILING = ['azure-4o', 'offline-local'];
const ALL = [...ANSWERING, ...FAILING];
const HISTORY_RUNS = 40;

/** Forty saved runs, as the history store writes them (one JSON line each); the newest a stopped one. */
function historyLines() {
  const result = (deployment, status) => ({
    deployment, provider: 'openai', model: 'gpt-4o-mini', status, text: status === 'ok' ? 'An answer.' : '', finishReason: status === 'ok' ? 'stop' : null,
    metrics: { ttftMs: 200, totalMs: 900, inputTokens: 20, outputTokens: 40, tokensPerSecond: 50, costUsd: null }, requestId: null, costNote: null,
    error: status === 'ok' ? null : { kind: 'cancelled', message: 'Cancelled.' },
  });
  return Array.from({ length: HISTORY_RUNS }, (_, index) => {
    const stopped = index === HISTORY_RUNS - 1;
    return JSON.stringify({
      id: `seeded-${index}`, at: new Date(Date.UTC(2026, 10, 1, 9, index)).toISOString(), system: '', prompt: `Saved prompt number ${index + 1}: compare the clouds`, variables: {}, params: {},
      deploymentIds: ANSWERING, results: ANSWERING.map((id) => result(id, stopped ? 'cancelled' : 'ok')),
    });
  }).join('\n') + '\n';
}

describe('the playground comparing seven deployments, two failing', function () {
  this.timeout(120_000);
  let emulators;
  let server;
  let browser;
  let page;
  let frame;
  const pictures = process.env.FANOUT_PICTURES_DIR;

  before(async function () {
    this.timeout(300_000);
    const vsix = packageVsix();
    const demo = require(join(ROOT, 'out/test/emulators/demo.js'));
    emulators = await demo.startDemoEmulators();
    const offline = { id: 'offline-local', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `http://127.0.0.1:${await freePort()}/v1` };
    const deployments = [...ALL.slice(0, -1).map((id) => emulators.deployments.find((deployment) => deployment.id === id)), offline];
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'workbench.colorTheme': 'Default Dark Modern' } });
    const storage = join(server.userData, 'User', 'globalStorage', 'fanout.fanout');
    mkdirSync(storage, { recursive: true });
    writeFileSync(join(storage, 'history.jsonl'), historyLines());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1680, height: 1000 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
    for (const [provider, key] of [['OpenAI', demo.DEMO_KEYS.OPENAI_API_KEY], ['Azure OpenAI', 'a-wrong-azure-key'], ['Amazon Bedrock', demo.DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK], ['Gemini API', demo.DEMO_KEYS.GEMINI_API_KEY]]) {
      await runCommand(page, 'Fanout: Set API Key');
      await pickByDescription(page, provider);
      await answer(page, key);
      await waitForQuickInputClosed(page);
    }
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  const promptHeight = () => frame.$eval('#prompt', (element) => Math.round(element.getBoundingClientRect().height));

  /** A README picture: the playground alone, cut from the page and scaled down to `width` (only with FANOUT_PICTURES_DIR). */
  const picture = async (name, width, selectors = null, keep = 1) => {
    let box = await (await frame.frameElement()).boundingBox();
    if (selectors) {
      // the union of these elements, in the page's coordinates
      const inner = await frame.evaluate((list) => {
        const rects = list.map((selector) => document.querySelector(selector).getBoundingClientRect());
        const left = Math.min(...rects.map((rect) => rect.left)) - 8;
        const top = Math.min(...rects.map((rect) => rect.top)) - 8;
        return { x: left, y: top, width: Math.max(...rects.map((rect) => rect.right)) + 8 - left, height: Math.max(...rects.map((rect) => rect.bottom)) + 8 - top };
      }, selectors);
      box = { x: box.x + inner.x, y: box.y + inner.y, width: inner.width, height: inner.height };
    }
    const full = await screenshot(page, `${name}-full`, { clip: box });
    if (pictures) await smallPicture(browser, full, join(pictures, `${name}.png`), width, keep);
  };

  it('keeps the prompt its full height beside a history of 40 runs: the history scrolls in its own region', async () => {
    await runCommand(page, 'Fanout: Open Playground');
    frame = await playgroundFrame(page);
    await frame.waitForFunction((count) => document.querySelectorAll('[data-history]').length >= count, 30, { timeout: 30_000 });
    const withHistory = await promptHeight();
    const list = await frame.$eval('.history-list', (element) => ({ scrolls: element.scrollHeight > element.clientHeight + 1, overflow: getComputedStyle(element).overflowY }));
    assert.ok(list.scrolls && list.overflow === 'auto', `the history list does not scroll on its own: ${JSON.stringify(list)}`);
    await frame.click('.history > summary');
    await page.waitForTimeout(200);
    const folded = await promptHeight();
    await frame.click('.history > summary');
    assert.equal(withHistory, folded, `prompt ${withHistory} px beside the history, ${folded} px without it`);
    assert.ok(withHistory >= 120, `prompt box ${withHistory} px`);
    // the stopped run in the history says so, never "failed"
    const newest = await frame.$eval('[data-history="seeded-39"] .history-meta', (element) => element.textContent);
    assert.match(newest, /0 ok, 5 stopped$/);
    await frame.evaluate(() => { document.querySelector('.inputs').scrollTop = 0; });
    await screenshot(page, '30-seven-history-dark');
  });

  it('runs seven deployments: five answer, both failures are named in the first view with their reasons', async () => {
    await frame.fill('#prompt', 'In two sentences: why can the same model answer differently on two clouds?');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment-choice]:checked').length === count, ALL.length, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#run') && !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    const before = await promptHeight();
    await frame.press('#prompt', 'Control+Enter');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment][data-status="ok"], [data-deployment][data-status="error"]').length === count, ALL.length, { timeout: 60_000 });
    await frame.waitForFunction(() => document.querySelector('#run') && !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    const states = await frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.dataset.status])));
    const errors = await frame.$$eval('[data-deployment] .error-message', (elements) => elements.map((element) => `${element.closest('[data-deployment]').dataset.deployment}: ${element.textContent}`));
    for (const id of ALL) assert.equal(states[id], FAILING.includes(id) ? 'error' : 'ok', `${id}: ${states[id]}\n${errors.join('\n')}`);
    assert.equal(await frame.$eval('.summary-counts', (element) => element.textContent), '5 done · 2 failed');
    assert.equal(await promptHeight(), before, 'the prompt changed height after the run');
    // every failure in the first view: its summary entry (kind and reason) and the "Go to the 2 failures" button,
    // inside the page's 1680×1000 and the playground's own viewport
    const frameBox = await (await frame.frameElement()).boundingBox();
    for (const selector of [...FAILING.map((id) => `[data-summary-for="${id}"]`), '.summary-failed']) {
      const box = await frame.$eval(selector, (element) => element.getBoundingClientRect().toJSON());
      const top = frameBox.y + box.top;
      const left = frameBox.x + box.left;
      assert.ok(box.width > 0 && top >= 0 && top + box.height <= 1000 && left >= 0 && left + box.width <= 1680, `${selector} is not in the first view: ${JSON.stringify(box)}`);
    }
    assert.match(await frame.$eval('[data-summary-for="azure-4o"]', (element) => `${element.textContent} ${element.title}`), /auth.*rejected the credential \(401\)/is);
    assert.match(await frame.$eval('[data-summary-for="offline-local"]', (element) => `${element.textContent} ${element.title}`), /network.*Connection refused by the server at/is);
    // one re-run action per column: a failed column offers it in its failure box only
    for (const id of FAILING) {
      const reruns = await frame.$$eval(`[data-deployment="${id}"] button`, (buttons) => buttons.filter((button) => !button.closest('[hidden]') && button.offsetParent !== null && /^(Re-run|Retry|Run again)$/.test(button.textContent)).length);
      assert.equal(reruns, 1, `${id} offers ${reruns} re-run actions`);
    }
    // no column's content is wider than the column (a long model name once painted one answer over the next)
    const overflowing = await frame.$$eval('[data-deployment]', (columns) => columns.filter((column) => column.scrollWidth > column.clientWidth + 1).map((column) => `${column.dataset.deployment}: ${column.scrollWidth} > ${column.clientWidth}`));
    assert.deepEqual(overflowing, []);
    await frame.evaluate(() => document.activeElement?.blur());
    await page.waitForTimeout(400);
    await screenshot(page, '31-seven-dark');
    await picture('playground', 1000, null, 0.74);
  });

  it('names the state and every metric for a screen reader, and says on hover what each metric measures', async () => {
    const named = await frame.$$eval('[data-deployment]', (columns) => columns.map((column) => {
      const status = column.querySelector('.status');
      const metrics = [...column.querySelectorAll('dd[data-metric]')].map((value) => {
        const description = document.getElementById(value.getAttribute('aria-describedby') ?? '');
        return { hook: value.dataset.metric, label: value.previousElementSibling?.textContent ?? '', description: description?.textContent ?? '', title: value.parentElement.title };
      });
      return { id: column.dataset.deployment, role: status.getAttribute('role'), live: status.getAttribute('aria-live'), label: status.getAttribute('aria-label'), metrics };
    }));
    for (const column of named) {
      assert.equal(column.role, 'status');
      assert.equal(column.live, 'polite');
      assert.match(column.label, new RegExp(`^${column.id}: (done|failed)`));
      for (const metric of column.metrics) {
        assert.ok(metric.label.length > 0, `${column.id} ${metric.hook} has no label`);
        assert.ok(metric.description.length > 30 && metric.description === metric.title, `${column.id} ${metric.hook}: ${metric.description}`);
      }
    }
    const meaning = Object.fromEntries(named[0].metrics.map((metric) => [metric.hook, metric.description]));
    assert.match(meaning.ttft, /from the moment the request was sent to the first visible/);
    assert.match(meaning.tps, /after the first visible token/);
    assert.match(meaning.cost, /price table/);
    assert.equal(await frame.$eval('.summary-counts', (element) => element.getAttribute('role')), 'status');
  });

  it('reaches every column and its actions by keyboard, with a visible focus; Enter and Space press them', async () => {
    // from a failure's summary entry, Enter takes the focus to its column
    await frame.focus('[data-summary-for="azure-4o"]');
    await page.keyboard.press('Enter');
    await frame.waitForFunction(() => document.activeElement?.dataset.deployment === 'azure-4o', null, { timeout: 5_000 });
    const outline = await frame.evaluate(() => { const style = getComputedStyle(document.activeElement); return `${style.outlineStyle} ${style.outlineWidth}`; });
    assert.match(outline, /^solid [1-9]/, `the focused column shows no outline: ${outline}`);
    await page.waitForTimeout(300);
    await screenshot(page, '33-seven-failure-focused-dark');
    // Tab from the first column's first control goes through every column's controls, each showing its focus
    await frame.focus(`[data-deployment="${ALL[0]}"] .pin`);
    const reached = new Set();
    const unseen = [];
    for (let press = 0; press < 90 && reached.size < ALL.length; press++) {
      const focused = await frame.evaluate(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        return { column: element.closest('[data-deployment]')?.dataset.deployment ?? null, what: `${element.tagName} ${element.textContent?.slice(0, 20)}`, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
      });
      if (focused.column) reached.add(focused.column);
      if (!focused.outline) unseen.push(focused.what);
      await page.keyboard.press('Tab');
    }
    assert.deepEqual([...reached].sort(), [...ALL].sort(), 'Tab does not reach every column');
    assert.deepEqual(unseen, [], 'focus not visible on these');
    // Space presses Pin, Enter presses it again
    await frame.focus(`[data-deployment="${ANSWERING[1]}"] .pin`);
    await page.keyboard.press('Space');
    await frame.waitForFunction((id) => document.querySelector(`[data-deployment="${id}"]`).classList.contains('pinned'), ANSWERING[1], { timeout: 5_000 });
    await frame.focus(`[data-deployment="${ANSWERING[1]}"] .pin`);
    await page.keyboard.press('Enter');
    await frame.waitForFunction(() => document.querySelectorAll('.column.pinned').length === 0, null, { timeout: 5_000 });
    await frame.evaluate(() => { document.querySelector('.columns').scrollLeft = 0; });
  });

  const THEMES = [
    ['dark', 'Dark Modern'],
    ['light', 'Light Modern'],
    ['high-contrast', 'Dark High Contrast'],
    ['high-contrast-light', 'Light High Contrast'],
  ];
  for (const [name, theme] of THEMES) {
    it(`every text reads at 4.5:1 or more in the ${name} theme, the failures still in the first view`, async () => {
      if (name !== 'dark') await setTheme(page, theme);
      await frame.evaluate(() => document.activeElement?.blur());
      await page.waitForTimeout(300);
      const { checked, failures } = await auditContrast(frame);
      assert.ok(checked > 150, `only ${checked} texts measured`);
      assert.deepEqual(failures, [], `${name}: texts under their contrast floor`);
      const failedVisible = await frame.$$eval('.summary-entry[data-state="error"]', (entries) => entries.filter((entry) => entry.getBoundingClientRect().width > 0).length);
      assert.equal(failedVisible, 2);
      await screenshot(page, `32-seven-${name}`);
      if (name === 'light') await picture('run-summary-light', 900, ['.run-summary', '.chart-fold']);
    });
  }

  it('draws each column\'s phase bar from a result that carries metrics.phases, the numbers on hover', async () => {
    await setTheme(page, 'Dark Modern');
    // the engine times real phases (the columns already show them, cold on the emulators' loopback); to check the bar's
    // numbers exactly, each answered column gets its result again with known phases through the webview's message
    // channel (the host passes `metrics` through unchanged: columnResult.ts)
    const timed = await frame.$$eval('[data-deployment][data-status="ok"]', (columns) => columns.filter((column) => column.querySelector('[data-role="phases"]:not([hidden]) .phase-caption')).length);
    assert.equal(timed, ANSWERING.length, 'every answered column shows the phases the engine timed');
    await screenshot(page, '33-seven-real-phases-dark');
    const fed = await frame.evaluate((ids) => ids.map((id, index) => {
      const column = document.querySelector(`[data-deployment="${id}"]`);
      const metric = (hook) => column.querySelector(`[data-metric="${hook}"]`).textContent;
      const cold = index < 2;
      const phases = cold
        ? { queueMs: 0, dnsMs: 12 + index * 9, connectMs: 38 + index * 11, tlsMs: 95 + index * 20, headersMs: 420 + index * 60, ttftMs: 540 + index * 70, streamMs: 705 + index * 90 }
        : { queueMs: 0, dnsMs: null, connectMs: null, tlsMs: null, headersMs: 180 + index * 40, ttftMs: 260 + index * 50, streamMs: 600 + index * 80 };
      const result = {
        deploymentId: id, status: 'ok', text: column.querySelector('[data-role="output"]').textContent, finishReason: 'stop', error: null, actions: [], answeredModel: null,
        costNote: null, retries: 0, requestId: null, credentialSource: null, toolCalls: [], warnings: [], structured: null,
        metrics: { ttftMs: phases.ttftMs, totalMs: phases.ttftMs + phases.streamMs, tokensPerSecond: Number(metric('tps')) || null, inputTokens: Number(metric('input')) || null, outputTokens: Number(metric('output')) || null, costUsd: null, phases, connection: cold ? 'new' : 'reused' },
      };
      window.postMessage({ type: 'columnResult', runId: 'phases', result }, '*');
      return id;
    }), ANSWERING);
    assert.equal(fed.length, ANSWERING.length);
    await frame.waitForFunction((ids) => ids.every((id) => document.querySelector(`[data-deployment="${id}"] [data-role="phases"]:not([hidden]) .phase-caption`)?.textContent.startsWith(id === ids[0] ? 'set-up 145' : '')), ANSWERING, { timeout: 5_000 });
    const first = await frame.$eval(`[data-deployment="${ANSWERING[0]}"] [data-role="phases"]`, (element) => ({
      caption: element.querySelector('.phase-caption').textContent, title: element.title, segments: [...element.querySelectorAll('[data-phase]')].map((piece) => piece.dataset.phase),
      boxes: [...element.querySelectorAll('[data-phase]')].map((piece) => piece.getBoundingClientRect().toJSON()),
    }));
    // one bar, its segments side by side in time order (they once stacked as stripes), each as long as its share
    assert.equal(new Set(first.boxes.map((box) => Math.round(box.top))).size, 1, `segments at tops ${first.boxes.map((box) => box.top)}`);
    for (let index = 1; index < first.boxes.length; index++) assert.ok(first.boxes[index].left >= first.boxes[index - 1].right - 0.5, 'segments overlap or go backwards');
    const widths = first.boxes.map((box) => box.width);
    assert.ok(widths[3] > widths[1] && widths[1] > widths[0], `segment widths ${widths.map(Math.round)} do not follow 705 > 275 > 145 ms`);
    assert.deepEqual(first.segments, ['setup', 'waiting', 'first', 'streaming']);
    assert.match(first.caption, /^set-up 145\u00a0ms \(new\) · server 1\.10\u00a0s$/);
    assert.match(first.title, /DNS 12\u00a0ms, connect 38\u00a0ms, TLS 95\u00a0ms/);
    const warm = await frame.$eval(`[data-deployment="${ANSWERING[2]}"] [data-role="phases"]`, (element) => [...element.querySelectorAll('[data-phase]')].map((piece) => piece.dataset.phase));
    assert.deepEqual(warm, ['waiting', 'first', 'streaming'], 'a reused connection has no set-up');
    // the metric rows still line up with the bars in
    const tops = await frame.$$eval('[data-deployment] .column-actions', (rows) => rows.map((row) => Math.round(row.getBoundingClientRect().top)));
    assert.equal(new Set(tops).size, 1, `action rows at ${[...new Set(tops)]}`);
    const { failures } = await auditContrast(frame);
    assert.deepEqual(failures, []);
    await page.waitForTimeout(300);
    await screenshot(page, '34-seven-phases-dark');
    await picture('phases-dark', 900, [`[data-deployment="${ANSWERING[0]}"] .metrics`, `[data-deployment="${ANSWERING[2]}"] .metrics`]);
    await setTheme(page, 'Light Modern');
    assert.deepEqual((await auditContrast(frame)).failures, []);
    await screenshot(page, '34-seven-phases-light');
    await setTheme(page, 'Dark Modern');
  });

  it('a stopped run says "stopped" in its columns, the summary and the history, legibly in dark and light', async () => {
    await frame.click('#run');
    await frame.waitForFunction(() => document.querySelector('[data-deployment="ollama-llama"]')?.dataset.status === 'streaming', null, { timeout: 15_000 });
    await page.waitForTimeout(200);
    await frame.press('#prompt', 'Escape');
    await frame.waitForFunction(() => !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    const states = await frame.$$eval('[data-deployment]', (columns) => columns.map((column) => `${column.dataset.deployment}=${column.dataset.status}`));
    const stopped = states.filter((state) => state.endsWith('=cancelled')).length;
    assert.ok(stopped > 0, `no column was stopped: ${states}`);
    assert.match(await frame.$eval('.summary-counts', (element) => element.textContent), new RegExp(`${stopped} stopped`));
    await frame.waitForFunction((count) => document.querySelector('[data-history] .history-meta')?.textContent.includes(`${count} stopped`), stopped, { timeout: 10_000 });
    assert.doesNotMatch(await frame.$eval('[data-history] .history-meta', (element) => element.textContent), new RegExp(`${stopped + 2} failed`));
    assert.deepEqual((await auditContrast(frame)).failures, [], 'dark');
    await setTheme(page, 'Light Modern');
    assert.deepEqual((await auditContrast(frame)).failures, [], 'light');
    await screenshot(page, '35-seven-stopped-light');
    await setTheme(page, 'Dark Modern');
  });
});
