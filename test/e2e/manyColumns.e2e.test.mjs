// End to end: the playground with eighteen columns at 1680×1000, two of them failing far to the right (one
// rejected for want of a key, one whose server is down). The run summary above the columns names every column's
// state, says how many failed and takes you to them; the columns keep a readable width and scroll sideways; their
// metric rows line up; the chart names the failures; compact mode shows more at once. Dark and light themes.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, freePort, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { luminance, openWorkbench, packageVsix, playgroundFrame, runCommand, screenshot, setTheme } from './workbench.mjs';

const require = createRequire(import.meta.url);
const MODELS = ['llama3.2', 'gpt-4o-mini', 'gemini-2.0-flash', 'gpt-4o'];

const contrast = (foreground, background) => {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
};

describe('the playground with many columns', function () {
  this.timeout(120_000);
  let emulators;
  let server;
  let browser;
  let page;
  let frame;
  let ids;
  const FAILING = ['keyless-openai', 'offline-local'];

  before(async function () {
    this.timeout(240_000);
    const vsix = packageVsix();
    const demo = require(join(ROOT, 'out/test/emulators/demo.js'));
    emulators = await demo.startDemoEmulators();
    const local = emulators.deployments.find((deployment) => deployment.id === 'ollama-llama');
    const openai = emulators.deployments.find((deployment) => deployment.id === 'openai-4o-mini');
    // sixteen keyless local deployments answer; one asks the key-checking OpenAI emulator without a key (401),
    // one asks a port nobody listens on; both failures sit where the first view does not reach
    const answering = Array.from({ length: 16 }, (_, index) => ({ ...local, id: `local-${String(index + 1).padStart(2, '0')}`, model: MODELS[index % MODELS.length] }));
    const deployments = [
      ...answering.slice(0, 9),
      { id: FAILING[0], provider: 'openai-compatible', model: 'gpt-4o-mini', baseUrl: openai.baseUrl },
      ...answering.slice(9),
      { id: FAILING[1], provider: 'openai-compatible', model: 'llama3.2', baseUrl: `http://127.0.0.1:${await freePort()}/v1` },
    ];
    ids = deployments.map((deployment) => deployment.id);
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'fanout.history.enabled': false, 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1680, height: 1000 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  /** Where a column is against the visible part of the columns' row: 'in', 'partly' or 'out'. */
  const placement = (id) => frame.evaluate((deploymentId) => {
    const box = document.querySelector('.columns').getBoundingClientRect();
    const column = document.querySelector(`[data-deployment="${deploymentId}"]`).getBoundingClientRect();
    if (column.left >= box.left - 1 && column.right <= box.right + 1) return 'in';
    return column.right <= box.left || column.left >= box.right ? 'out' : 'partly';
  }, id);

  /** The summary's texts against the page background, each at 4.5:1 or more. */
  const assertContrasts = async (theme) => {
    const colours = await frame.evaluate(() => {
      const colour = (selector) => getComputedStyle(document.querySelector(selector)).color;
      return {
        background: getComputedStyle(document.body).backgroundColor,
        summary: colour('.summary-counts'),
        failedId: colour('.summary-entry[data-state="error"] .summary-id'),
        failedFigure: colour('.summary-entry[data-state="error"] .summary-figure'),
        okFigure: colour('.summary-entry[data-state="ok"] .summary-figure'),
        failedButton: colour('.summary-failed'),
        failedButtonBackground: getComputedStyle(document.querySelector('.summary-failed')).backgroundColor,
        errorKind: colour('[data-deployment] .error .error-kind'),
        errorBackground: getComputedStyle(document.querySelector('[data-deployment] .error')).backgroundColor,
      };
    });
    const opaque = (colour) => !/rgba\(.*,\s*0\)$/.test(colour) && colour !== 'transparent';
    for (const [name, background] of [['summary', 'background'], ['failedId', 'background'], ['failedFigure', 'background'], ['okFigure', 'background'],
      ['failedButton', opaque(colours.failedButtonBackground) ? 'failedButtonBackground' : 'background'], ['errorKind', opaque(colours.errorBackground) ? 'errorBackground' : 'background']]) {
      const ratio = contrast(colours[name], colours[background]);
      assert.ok(ratio >= 4.5, `${theme}: ${name} ${colours[name]} on ${colours[background]}: ${ratio.toFixed(2)}:1`);
    }
  };

  it('runs eighteen columns; the summary names every state and both failures while they are off screen', async () => {
    await runCommand(page, 'Fanout: Open Playground');
    frame = await playgroundFrame(page);
    await frame.fill('#prompt', 'In two sentences: why can the same model answer differently on two clouds?');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment-choice]:checked').length === count, ids.length, { timeout: 15_000 });
    await frame.press('#prompt', 'Control+Enter');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment]').length === count, ids.length, { timeout: 15_000 });
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment][data-status="streaming"]').length > 0, null, { timeout: 15_000 });
    assert.equal(await frame.$$eval('.summary-entry', (entries) => entries.length), ids.length, 'one summary entry per column');
    await screenshot(page, '20-many-columns-streaming-dark');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment][data-status="ok"], [data-deployment][data-status="error"]').length === count, ids.length, { timeout: 60_000 });
    const states = await frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.dataset.status])));
    for (const id of ids) assert.equal(states[id], FAILING.includes(id) ? 'error' : 'ok', `${id}: ${states[id]}`);
    assert.equal(await frame.$eval('.summary-counts', (element) => element.textContent), '16 done · 2 failed');
    assert.equal(await frame.$eval('.summary-failed', (element) => element.textContent), 'Go to the 2 failures');
    assert.deepEqual(await frame.$$eval('.summary-entry[data-state="error"]', (entries) => entries.map((entry) => entry.dataset.summaryFor)), FAILING);
    assert.match(await frame.$eval(`[data-summary-for="${FAILING[0]}"] .summary-figure`, (element) => element.textContent), /auth/);
    // the failures are out of the first view, the summary that names them is in it
    for (const id of FAILING) assert.equal(await placement(id), 'out', `${id} is already in view`);
    const summaryBox = await frame.$eval('.run-summary', (element) => element.getBoundingClientRect().toJSON());
    assert.ok(summaryBox.top >= 0 && summaryBox.bottom <= 1000, `summary at ${JSON.stringify(summaryBox)}`);
    // columns keep a readable width; the row scrolls sideways
    const widths = await frame.$$eval('[data-deployment]', (columns) => columns.map((column) => column.getBoundingClientRect().width));
    assert.ok(Math.min(...widths) >= 255, `narrowest column ${Math.min(...widths)} px`);
    assert.ok(await frame.$eval('.columns', (element) => element.scrollWidth > element.clientWidth), 'the columns do not scroll sideways');
    // the metric rows line up across columns, badges or not
    const metricTops = await frame.$$eval('[data-deployment] .metrics', (rows) => rows.map((row) => Math.round(row.getBoundingClientRect().top)));
    assert.equal(new Set(metricTops).size, 1, `metric rows at ${[...new Set(metricTops)]}`);
    await page.waitForTimeout(300);
    await screenshot(page, '21-many-columns-done-dark');
    // the chart starts folded with this many columns; opened, it has every deployment, the failed ones named
    assert.equal(await frame.$eval('.chart-fold', (element) => element.open), false);
    await frame.click('.chart-fold > summary');
    assert.equal(await frame.$$eval('.chart svg:first-child .chart-failed', (labels) => labels.length), 2);
    assert.equal(await frame.$$eval('.chart svg:first-child .chart-label', (labels) => labels.length), 18);
    await screenshot(page, '21-many-columns-chart-dark');
    await frame.click('.chart-fold > summary');
  });

  it('"Go to the 2 failures" brings each failed column into view in turn', async () => {
    for (const id of FAILING) {
      await frame.click('.summary-failed');
      await frame.waitForFunction((deploymentId) => {
        const box = document.querySelector('.columns').getBoundingClientRect();
        const column = document.querySelector(`[data-deployment="${deploymentId}"]`).getBoundingClientRect();
        return column.left >= box.left - 1 && column.right <= box.right + 1;
      }, id, { timeout: 5_000 });
      assert.equal(await frame.evaluate(() => document.activeElement?.dataset.deployment), id);
    }
    await page.waitForTimeout(200);
    assert.match(await frame.$eval(`[data-deployment="${FAILING[1]}"] .error`, (element) => element.innerText), /\S/);
    await screenshot(page, '22-many-columns-failure-dark');
    // a summary entry takes you to its column too
    await frame.click('[data-summary-for="local-01"]');
    await frame.waitForFunction(() => document.querySelector('.columns').scrollLeft === 0, null, { timeout: 5_000 });
  });

  it('a pinned column stays at the left while the others scroll beside it', async () => {
    await frame.click(`[data-deployment="${FAILING[1]}"] .pin`);
    const left = () => frame.evaluate((deploymentId) => Math.round(document.querySelector(`[data-deployment="${deploymentId}"]`).getBoundingClientRect().left - document.querySelector('.columns').getBoundingClientRect().left), FAILING[1]);
    await frame.waitForFunction(() => document.querySelector('.columns').scrollLeft === 0, null, { timeout: 5_000 });
    assert.equal(await left(), 0);
    await frame.click('[data-summary-for="local-12"]');
    await frame.waitForFunction(() => {
      const box = document.querySelector('.columns').getBoundingClientRect();
      const pinned = document.querySelector('.column.pinned').getBoundingClientRect();
      const column = document.querySelector('[data-deployment="local-12"]').getBoundingClientRect();
      return column.left >= pinned.right && column.right <= box.right + 1;
    }, null, { timeout: 5_000 });
    assert.equal(await left(), 0, 'the pinned column moved');
    await page.waitForTimeout(300);
    await screenshot(page, '26-many-columns-pinned-dark');
    await frame.click(`[data-deployment="${FAILING[1]}"] .pin`);
    assert.equal(await frame.$$eval('.column.pinned', (columns) => columns.length), 0);
    await frame.click('[data-summary-for="local-01"]');
    await frame.waitForFunction(() => document.querySelector('.columns').scrollLeft === 0, null, { timeout: 5_000 });
  });

  it('compact mode shows more columns at once', async () => {
    const visible = () => frame.$$eval('[data-deployment]', (columns) => {
      const box = document.querySelector('.columns').getBoundingClientRect();
      return columns.filter((column) => { const rect = column.getBoundingClientRect(); return rect.left >= box.left - 1 && rect.right <= box.right + 1; }).length;
    });
    const before = await visible();
    await frame.click('.summary-compact');
    assert.equal(await frame.$eval('.summary-compact', (element) => element.getAttribute('aria-pressed')), 'true');
    await page.waitForTimeout(300);
    const after = await visible();
    assert.ok(after > before, `${after} columns in view in compact mode, ${before} without`);
    await screenshot(page, '23-many-columns-compact-dark');
    await assertContrasts('dark');
  });

  it('reads well in the light theme too: summary and failure texts at 4.5:1 or more', async () => {
    await setTheme(page, 'Light Modern');
    await assertContrasts('light');
    await screenshot(page, '24-many-columns-compact-light');
    await frame.click('.summary-compact');
    await page.waitForTimeout(300);
    await screenshot(page, '25-many-columns-light');
    await setTheme(page, 'Dark Modern');
  });
});
