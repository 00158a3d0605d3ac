// End to end: "Run as Batch" from a tests file's CodeLens in a real VS Code with the packaged .vsix, against the
// bundled emulators' OpenAI Batch API: the job in the "Fanout Batch Jobs" list, the finish notification, Fetch, and
// the results view with the batch cost beside the streamed one — each photographed (test/e2e/screenshots/).
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, openWorkbench, packageVsix, pickByDescription, runCommand, screenshot, searchPalette, waitForNotification, waitForQuickInputClosed, webviewTableRows } from './workbench.mjs';

const require = createRequire(import.meta.url);

const COUNTRIES = ['France', 'Spain', 'Peru', 'Japan', 'Kenya', 'Chile'];
const TESTS = `prompts:
  - "What is the capital of {{country}}?"
tests:
${COUNTRIES.map((country) => `  - description: capital of ${country}\n    vars: { country: ${country} }\n    assert:\n      - type: icontains\n        value: token`).join('\n')}
`;

describe('evaluation as batch in a real VS Code', function () {
  this.timeout(180_000);
  let emulators;
  let server;
  let browser;
  let page;

  before(async function () {
    this.timeout(240_000);
    const vsix = packageVsix();
    const demo = require(join(ROOT, 'out/test/emulators/demo.js'));
    emulators = await demo.startDemoEmulators();
    // a job that stays running long enough to be seen in the list, then finishes on its own
    emulators.openai.batches.knobs = { validatingMs: 500, inProgressMs: 6_000, finalizingMs: 500, cancellingMs: 200, failing: (customId) => customId.startsWith('5/') };
    const deployments = emulators.deployments.filter((deployment) => ['openai-4o-mini', 'ollama-llama'].includes(deployment.id));
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'workbench.colorTheme': 'Default Dark Modern' } });
    writeFileSync(join(server.workspace, 'capitals.fanout-tests.yaml'), TESTS);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
    await runCommand(page, 'Fanout: Set API Key');
    await pickByDescription(page, 'OpenAI');
    await answer(page, demo.DEMO_KEYS.OPENAI_API_KEY);
    await waitForQuickInputClosed(page);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  it('sends the tests file as a batch, lists the job, announces it, fetches it into the results view', async () => {
    await searchPalette(page, 'Fanout');
    await page.locator('.quick-input-widget input').fill('capitals.fanout-tests.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'capitals.fanout-tests.yaml' }).first().click();
    await page.locator('.codelens-decoration', { hasText: 'Run as Batch' }).waitFor({ timeout: 20_000 });
    await page.locator('.codelens-decoration a', { hasText: 'Run as Batch' }).click();
    const sent = await waitForNotification(page, /batch job sent for capitals\.fanout-tests\.yaml/, 60_000);
    assert.match(sent, /"ollama-llama": OpenAI-compatible has no batch service — its cases run streamed/);

    // the list, in the Explorer, while the job runs
    await runCommand(page, 'Focus on Fanout Batch Jobs View');
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Fanout Batch Jobs' }) });
    await pane.locator('.monaco-list-row', { hasText: 'capitals.fanout-tests.yaml' }).waitFor({ timeout: 20_000 });
    const row = pane.locator('.monaco-list-row', { hasText: 'openai-4o-mini' });
    await row.waitFor({ timeout: 20_000 });
    const description = await row.locator('.label-description').innerText();
    assert.match(description, /^(submitted|validating|running) · 6 cases · just now$|^running · \d of 6 answered/);
    await row.hover();
    await screenshot(page, '45-batch-jobs-running');

    const finished = await waitForNotification(page, /Batch on openai-4o-mini finished: 5 answered, 1 failed/, 90_000);
    assert.ok(finished);
    await screenshot(page, '46-batch-finished-notification');
    await page.locator('.notification-toast', { hasText: 'Batch on openai-4o-mini finished' }).getByRole('button', { name: 'Fetch' }).click();
    await waitForNotification(page, /fetched 6 cases from the batch on openai-4o-mini/, 60_000);

    let rows = [];
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      rows = await webviewTableRows(page);
      if (!rows.some((cells) => cells.some((cell) => /in batch|not run/.test(cell))) && rows.some((cells) => cells[0] === 'capital of Chile')) break;
      await page.waitForTimeout(300);
    }
    await screenshot(page, '47-batch-results');
    const summary = rows.find((cells) => cells[0] === 'openai-4o-mini');
    assert.match(summary?.[2] ?? '', /^\$\S+ batch\s+streamed \$\S+$/, JSON.stringify(rows));
    const chile = rows.find((cells) => cells[0] === 'capital of Chile');
    assert.match(chile?.[1] ?? '', /error/, JSON.stringify(rows));
    assert.match(await row.locator('.label-description').innerText(), /^fetched · 5 of 6 answered, 1 failed · /);
  });
});
