// End to end: the playground in a real VS Code, driven like a person: open it from the palette, run one prompt
// on five emulated deployments (one answering 401), stop a run mid-stream, reopen a run from history, and look
// at it in light, dark and high-contrast themes.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, packageVsix, luminance, openWorkbench, pickByDescription, playgroundFrame, runCommand, screenshot, setTheme, waitForQuickInputClosed } from './workbench.mjs';

const require = createRequire(import.meta.url);
const FIVE = ['openai-4o-mini', 'azure-4o', 'bedrock-haiku-us', 'gemini-flash', 'ollama-llama'];

describe('the playground', function () {
  this.timeout(120_000);
  let emulators;
  let server;
  let browser;
  let page;
  let frame;

  before(async function () {
    this.timeout(240_000);
    const vsix = packageVsix();
    const demo = require(join(ROOT, 'out/test/emulators/demo.js'));
    emulators = await demo.startDemoEmulators();
    const deployments = emulators.deployments.filter((deployment) => FIVE.includes(deployment.id));
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 920 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
    // keys, typed into the palette like a person; Azure's is wrong, so Azure answers 401
    for (const [provider, key] of [['OpenAI', demo.DEMO_KEYS.OPENAI_API_KEY], ['Azure OpenAI', 'a-wrong-azure-key'], ['Amazon Bedrock', demo.DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK], ['Gemini API', demo.DEMO_KEYS.GEMINI_API_KEY]]) {
      await runCommand(page, 'Fanout: Set API Key');
      await pickByDescription(page, provider);
      await answer(page, key);
      await waitForQuickInputClosed(page);
    }
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  const columnStatus = () => frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.dataset.status])));

  it('opens from the palette and runs one prompt on five deployments: four answer, the 401 offers "Set API key"', async () => {
    await runCommand(page, 'Fanout: Open Playground');
    frame = await playgroundFrame(page);
    await frame.fill('#prompt', 'In two sentences: why can the same model answer differently on two clouds? Mention {{audience}}.');
    await frame.fill('[data-variable="audience"]', 'developers');
    // Run is ready once the host's deployment list has arrived and all five are picked: pressing before that runs nothing
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment-choice]:checked').length === count, FIVE.length, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#run') && !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    await frame.press('#prompt', 'Control+Enter');
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment][data-status="streaming"]').length > 0, null, { timeout: 15_000 });
    await screenshot(page, '10-playground-streaming-dark');
    await frame.waitForFunction((count) => document.querySelectorAll('[data-deployment][data-status="ok"], [data-deployment][data-status="error"]').length === count, FIVE.length, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#run') && !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    const status = await columnStatus();
    assert.deepEqual(status, { 'openai-4o-mini': 'ok', 'azure-4o': 'error', 'bedrock-haiku-us': 'ok', 'gemini-flash': 'ok', 'ollama-llama': 'ok' });
    for (const id of FIVE.filter((id) => id !== 'azure-4o')) {
      const text = await frame.$eval(`[data-deployment="${id}"] [data-role="output"]`, (element) => element.textContent);
      assert.ok(text.length > 40, `${id} has no text`);
      for (const metric of ['ttft', 'total', 'tps', 'input', 'output']) {
        const value = await frame.$eval(`[data-deployment="${id}"] [data-metric="${metric}"]`, (element) => element.textContent);
        assert.notEqual(value, '—', `${id} ${metric}`);
      }
    }
    assert.match(await frame.$eval('[data-deployment="openai-4o-mini"] [data-metric="cost"]', (element) => element.textContent), /^\$/);
    assert.equal(await frame.$eval('[data-deployment="ollama-llama"] [data-metric="cost"]', (element) => element.textContent), '—');
    const failed = await frame.$eval('[data-deployment="azure-4o"] .error', (element) => element.innerText);
    assert.match(failed, /rejected the credential \(401\)/);
    assert.ok(await frame.$('[data-deployment="azure-4o"] button[data-action="setApiKey"]'), 'no "Set API key" on the failed column');
    assert.equal(await frame.$eval('[data-deployment="azure-4o"] button[data-action="setApiKey"]', (element) => element.textContent), 'Set API key');
    assert.ok(await frame.$$eval('.badge', (badges) => badges.length) >= 2, 'no badges');
    assert.ok(await frame.$('.chart svg'), 'no chart');
    await page.waitForTimeout(300);
    await screenshot(page, '11-playground-results-dark');
  });

  it('Escape stops a run mid-stream: streaming columns end cancelled with their partial text', async () => {
    await frame.click('#run');
    await frame.waitForFunction(() => document.querySelector('[data-deployment="ollama-llama"]')?.dataset.status === 'streaming', null, { timeout: 15_000 });
    await page.waitForTimeout(200);
    await frame.press('#prompt', 'Escape');
    await frame.waitForFunction(() => !document.querySelector('#run').disabled, null, { timeout: 10_000 });
    const status = await columnStatus();
    assert.equal(status['ollama-llama'], 'cancelled', JSON.stringify(status));
    const partial = await frame.$eval('[data-deployment="ollama-llama"] [data-role="output"]', (element) => element.textContent);
    assert.ok(partial.length > 0, 'the partial text is kept');
    // the history says the stopped columns were stopped, not failed (it said "0 ok, 5 failed")
    const count = (state) => Object.values(status).filter((value) => value === state).length;
    await frame.waitForFunction((stopped) => document.querySelector('[data-history] .history-meta')?.textContent.includes(`${stopped} stopped`), count('cancelled'), { timeout: 10_000 });
    const line = await frame.$eval('[data-history] .history-meta', (element) => element.textContent);
    assert.match(line, new RegExp(`· ${count('ok')} ok${count('error') ? `, ${count('error')} failed` : ''}, ${count('cancelled')} stopped$`));
    await screenshot(page, '12-playground-stopped-dark');
  });

  it('a wrong parameter is named with its range and blocks Run; fixing it allows Run again', async () => {
    for (const [field, value, pattern] of [['#temperature', '3', /^Temperature must be a number from 0 to 2, not 3\.$/], ['#maxTokens', '0', /^Max tokens must be a whole number from 1 to 1000000, not 0\.$/], ['#topP', '1.5', /^Top-p must be a number above 0 up to 1, not 1\.5\.$/]]) {
      await frame.fill(field, value);
      await frame.waitForFunction(() => document.querySelector('#run').disabled, null, { timeout: 5000 });
      assert.match(await frame.$eval('span.hint[role="status"]', (element) => element.textContent), pattern);
      assert.equal(await frame.$eval(field, (element) => element.getAttribute('aria-invalid')), 'true');
      if (field === '#temperature') await screenshot(page, '16-playground-bad-parameter');
      await frame.fill(field, '');
      await frame.waitForFunction(() => !document.querySelector('#run').disabled, null, { timeout: 5000 });
    }
  });

  it('reopens a run from history', async () => {
    const items = await frame.$$('[data-history]');
    assert.ok(items.length >= 2, `history has ${items.length} runs`);
    await items[items.length - 1].click(); // the oldest: the first, complete run
    await frame.waitForFunction(() => document.querySelector('[data-deployment="ollama-llama"]')?.dataset.status === 'ok', null, { timeout: 10_000 });
    const status = await columnStatus();
    assert.equal(status['azure-4o'], 'error');
    assert.equal(status['gemini-flash'], 'ok');
    assert.match(await frame.$eval('#prompt', (element) => element.value), /why can the same model/);
  });

  it('compares two answers in VS Code\'s diff editor', async () => {
    await frame.check('[data-deployment="openai-4o-mini"] .compare-pick');
    await frame.check('[data-deployment="gemini-flash"] .compare-pick');
    await frame.click('button:has-text("Compare 2")');
    const tab = page.locator('.tab', { hasText: 'openai-4o-mini ↔ gemini-flash' });
    await tab.first().waitFor({ timeout: 15_000 }).catch(async (error) => {
      await screenshot(page, 'fail-compare');
      throw error;
    });
    await page.waitForSelector('.monaco-diff-editor', { timeout: 15_000 });
    // both sides show their answer
    await page.waitForFunction(() => {
      const side = (selector) => document.querySelector(`.monaco-diff-editor ${selector} .view-lines`)?.textContent?.trim() ?? '';
      return side('.editor.original').length > 20 && side('.editor.modified').length > 20;
    }, null, { timeout: 15_000 });
    await screenshot(page, '14-compare-diff');
    await page.keyboard.press('Control+W').catch(() => {});
    await page.locator('.tab', { hasText: 'Fanout Playground' }).first().click();
    frame = await playgroundFrame(page);
  });

  it('comes back after a window reload with its prompt and results', async () => {
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    frame = await playgroundFrame(page, 60_000);
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment]').length === 5, null, { timeout: 20_000 }).catch(async (error) => {
      await screenshot(page, 'fail-reload');
      console.log('columns after reload:', await frame.$$eval('[data-deployment]', (c) => c.length).catch((e) => e.message), 'prompt:', await frame.$eval('#prompt', (e) => e.value).catch((e) => e.message));
      throw error;
    });
    // the browser build persists webview state lazily; whatever it kept, the playground comes back with the last
    // run (from its own state, or else from the history): its prompt, and every column settled, none "streaming"
    const status = await columnStatus();
    for (const [id, value] of Object.entries(status)) assert.ok(['ok', 'error', 'cancelled'].includes(value), `${id} came back ${value}`);
    assert.match(await frame.$eval('#prompt', (element) => element.value), /why can the same model/);
    await screenshot(page, '15-after-reload');
  });

  const themes = [
    ['light', 'Light Modern', (c) => luminance(c.bg) > 0.7 && luminance(c.fg) < 0.3],
    ['high-contrast', 'Dark High Contrast', (c) => luminance(c.bg) < 0.01 && luminance(c.fg) > 0.9 && c.contrastBorder !== ''],
    ['dark', 'Dark Modern', (c) => luminance(c.bg) < 0.1 && luminance(c.fg) > 0.5],
  ];
  for (const [name, theme, legible] of themes) {
    it(`is legible in the ${name} theme`, async () => {
      await setTheme(page, theme);
      const colours = await frame.evaluate(() => {
        const body = getComputedStyle(document.body);
        const error = document.querySelector('.error .error-message');
        return {
          fg: body.color, bg: body.backgroundColor,
          contrastBorder: body.getPropertyValue('--vscode-contrastBorder').trim(),
          errorFg: error ? getComputedStyle(error).color : '',
        };
      });
      assert.ok(legible(colours), `${name}: ${JSON.stringify(colours)}`);
      await screenshot(page, `13-playground-${name}`);
    });
  }
});
