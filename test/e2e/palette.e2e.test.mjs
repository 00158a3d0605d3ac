// End to end: the packaged .vsix installed into a fresh code-server profile, driven like a person would,
// against the bundled emulators. Screenshots land in test/e2e/screenshots/ (ignored by git).
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, packageVsix, openWorkbench, pickByDescription, runCommand, screenshot, searchPalette, waitForNotification, waitForQuickInputClosed, webviewTableRows } from './workbench.mjs';

const require = createRequire(import.meta.url);

describe('Fanout in a real VS Code, from the palette', function () {
  this.timeout(120_000);
  let emulators;
  let server;
  let browser;
  let page;
  let DEMO_KEYS;

  before(async function () {
    this.timeout(240_000);
    const vsix = packageVsix();
    ({ DEMO_KEYS } = require(join(ROOT, 'out/test/emulators/demo.js')));
    emulators = await require(join(ROOT, 'out/test/emulators/demo.js')).startDemoEmulators();
    const deployments = emulators.deployments.filter((deployment) => deployment.provider !== 'vertex' && deployment.provider !== 'vertex-openai'); // Vertex needs a Google sign-in
    server = await startCodeServer({
      vsix,
      settings: {
        'fanout.deployments': [...deployments, { id: 'typo', provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', regoin: 'us-east-1' }],
        'workbench.colorTheme': 'Default Dark Modern',
      },
    });
    assert.doesNotMatch(server.installOutput, /warn|error/i, `installing the .vsix printed: ${server.installOutput}`);
    assert.match(server.installOutput, /Extension 'fanout\.vsix' was successfully installed/);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  it('tells the user about a broken deployment as soon as the editor starts', async () => {
    const text = await waitForNotification(page, /Fanout: a problem in your deployments/);
    assert.match(text, /\("typo"\)\.regoin: unknown field "regoin" — did you mean "region"\?/);
    await screenshot(page, '01-settings-problem-notification');
  });

  it('lists the Fanout commands in the palette', async () => {
    const rows = await searchPalette(page, 'Fanout');
    await screenshot(page, '02-palette-fanout-commands');
    for (const title of ['Fanout: Compare Prompt Across Deployments', 'Fanout: Set API Key', 'Fanout: Check Deployments', 'Fanout: Show Log']) {
      assert.ok(rows.some((row) => row.includes(title)), `${title} not in ${JSON.stringify(rows)}`);
    }
    await page.keyboard.press('Escape');
  });

  it('saves keys from the palette and compares a prompt across five clouds', async () => {
    const keys = [
      ['OpenAI', DEMO_KEYS.OPENAI_API_KEY],
      ['Azure OpenAI', DEMO_KEYS.AZURE_OPENAI_API_KEY],
      ['Amazon Bedrock', DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK],
      ['Gemini API', DEMO_KEYS.GEMINI_API_KEY],
    ];
    for (const [provider, key] of keys) {
      await runCommand(page, 'Fanout: Set API Key');
      await pickByDescription(page, provider);
      await answer(page, key);
      await waitForQuickInputClosed(page);
      // toasts are capped and fade; the first one is checked here, the compare below proves every key works
      if (provider === 'OpenAI') await waitForNotification(page, /Fanout: saved the OpenAI key for http:\/\/127\.0\.0\.1:\d+\./);
    }
    await runCommand(page, 'Fanout: Compare Prompt Across Deployments');
    await answer(page, 'Why can the same model answer differently on two clouds?');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15_000 });
    await screenshot(page, '03-compare-pick-deployments');
    await page.keyboard.press('Enter');
    const rows = await webviewTableRows(page, 30_000);
    await page.waitForTimeout(500);
    await screenshot(page, '04-compare-report');
    const status = Object.fromEntries(rows.slice(1).map((cells) => [cells[0], cells[3]]));
    assert.deepEqual(status, {
      'openai-4o-mini': 'ok', 'azure-4o': 'ok', 'bedrock-haiku-us': 'ok', 'bedrock-sonnet-global': 'ok', 'gemini-flash': 'ok', 'ollama-llama': 'ok',
    }, JSON.stringify(rows));
    assert.deepEqual(rows[0]?.slice(0, 7), ['deployment', 'provider', 'model', 'status', 'set-up', 'ttft', 'total']);
  });
  it('switches the deployment from the palette, shows spend in the status bar, and reports it', async () => {
    await runCommand(page, 'Fanout: Switch Deployment');
    await page.locator('.quick-input-title', { hasText: 'Fanout: Switch Deployment' }).waitFor({ timeout: 15_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'per 1M tokens' }).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await screenshot(page, '05-switch-deployment');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'gemini-flash' }).first().click();
    const item = page.locator('#fanout\\.fanout\\.fanout\\.status, .statusbar-item', { hasText: 'gemini-flash' }).first();
    await item.waitFor({ timeout: 15_000 });
    assert.match(await item.innerText(), /gemini-flash · \$[\d.]+ today/);
    await item.hover();
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(400);
    await screenshot(page, '06-status-bar-tooltip');
    await page.mouse.move(700, 300);
    await runCommand(page, 'Fanout: Show Spend');
    const rows = await webviewTableRows(page, 30_000);
    assert.ok(rows.length >= 2, JSON.stringify(rows));
    await page.waitForTimeout(400);
    await screenshot(page, '07-spend-report');
  });

});
