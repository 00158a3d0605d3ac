// End to end: "Fanout: Run Evaluation" on a tests file in the workspace, in a real VS Code with the packaged .vsix,
// against the bundled emulators; the results view is read and photographed (test/e2e/screenshots/).
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { packageVsix, openWorkbench, runCommand, screenshot, searchPalette, webviewTableRows } from './workbench.mjs';

const require = createRequire(import.meta.url);

const TESTS = `prompts:
  - "Why do clouds differ on {{topic}}?"
tests:
  - description: talks about the first token
    vars: { topic: latency }
    assert:
      - type: icontains
        value: first token
  - description: mentions a laptop
    vars: { topic: hardware }
    assert:
      - type: contains
        value: laptop
`;

describe('evaluation in a real VS Code', function () {
  this.timeout(120_000);
  let emulators;
  let server;
  let browser;
  let page;

  before(async function () {
    this.timeout(240_000);
    const vsix = packageVsix();
    emulators = await require(join(ROOT, 'out/test/emulators/demo.js')).startDemoEmulators();
    const local = emulators.deployments.find((deployment) => deployment.id === 'ollama-llama');
    server = await startCodeServer({
      vsix,
      settings: {
        'fanout.deployments': [local, { ...local, id: 'local-mini', model: 'gpt-4o-mini' }],
        'workbench.colorTheme': 'Default Dark Modern',
      },
    });
    writeFileSync(join(server.workspace, 'answers.fanout-tests.yaml'), TESTS);
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

  it('runs the open tests file and shows the matrix with the failing reason on hover', async () => {
    await searchPalette(page, 'Fanout');
    await page.locator('.quick-input-widget input').fill('answers.fanout-tests.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'answers.fanout-tests.yaml' }).first().click();
    await page.locator('.codelens-decoration', { hasText: 'Run Evaluation' }).waitFor({ timeout: 20_000 });
    await screenshot(page, '40-evaluation-codelens');
    await runCommand(page, 'Fanout: Run Evaluation');
    let rows = [];
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      rows = await webviewTableRows(page);
      if (rows.some((row) => row[0] === 'mentions a laptop') && !rows.some((row) => row.some((cell) => /not run/.test(cell)))) break;
      await page.waitForTimeout(300);
    }
    await screenshot(page, '41-evaluation-results');
    const laptop = rows.find((row) => row[0] === 'mentions a laptop');
    assert.deepEqual(laptop?.map((cell) => cell.replace(/\s+/g, ' ')), ['mentions a laptop', '✓ pass', '✗ fail'], JSON.stringify(rows));
    const summary = rows.find((row) => row[0] === 'local-mini');
    assert.match(summary?.[1] ?? '', /^50% \(1\/2\)$/);
  });
});
