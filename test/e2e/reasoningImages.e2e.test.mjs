// End to end: reasoning and images in the playground, on emulated clouds. Four clouds answer with reasoning on
// (effort high): OpenAI and the local server count it, Claude on Bedrock streams its thinking with a signature (and
// counts none), Gemini streams thought summaries; the folded reasoning is opened on one column and the metrics read.
// Then an image attached through the editor's file picker goes to three clouds, each saying it saw one image; a file
// that is not an image is refused before it leaves the webview; and the run reopened from history shows its image again.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, openWorkbench, packageVsix, pickByDescription, playgroundFrame, runCommand, screenshot, waitForQuickInputClosed } from './workbench.mjs';

const require = createRequire(import.meta.url);

/** A real 96×64 PNG (a bar chart in three colours), made here so no binary is checked in. */
function chartPng() {
  const [width, height] = [96, 64];
  const bars = [[10, 40, [55, 148, 255]], [40, 20, [209, 134, 22]], [70, 50, [137, 209, 133]]];
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 255);
    row[0] = 0;
    for (const [x0, top, colour] of bars) for (let x = x0; x < x0 + 18 && y >= top; x++) Buffer.from(colour).copy(row, 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
const REASONING = ['openai-4o-mini', 'bedrock-sonnet-global', 'gemini-25-flash', 'ollama-llama'];
const IMAGES = ['openai-4o-mini', 'bedrock-haiku-us', 'gemini-25-flash'];

describe('the playground: reasoning and images', function () {
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
    const known = emulators.deployments.filter((deployment) => ['openai-4o-mini', 'bedrock-sonnet-global', 'bedrock-haiku-us', 'ollama-llama'].includes(deployment.id));
    const deployments = [...known, { id: 'gemini-25-flash', provider: 'gemini', model: 'gemini-2.5-flash', baseUrl: emulators.google.url }];
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'workbench.colorTheme': 'Default Dark Modern', 'files.simpleDialog.enable': true } });
    writeFileSync(join(server.workspace, 'chart.png'), chartPng());
    writeFileSync(join(server.workspace, 'notes.txt'), 'not an image');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openWorkbench(page, server.url, server.workspace);
    for (const [provider, key] of [['OpenAI', demo.DEMO_KEYS.OPENAI_API_KEY], ['Amazon Bedrock', demo.DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK], ['Gemini API', demo.DEMO_KEYS.GEMINI_API_KEY]]) {
      await runCommand(page, 'Fanout: Set API Key');
      await pickByDescription(page, provider);
      await answer(page, key);
      await waitForQuickInputClosed(page);
    }
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Fanout: Open Playground');
    frame = await playgroundFrame(page);
    // the list comes with the host's `init`
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment-choice]').length === 5, null, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  const mark = () => frame.evaluate(() => document.querySelectorAll('[data-deployment]').forEach((column) => (column.dataset.old = '1')));
  const settled = async (ids) => {
    await frame.waitForFunction((wanted) => wanted.every((id) => ['ok', 'error', 'cancelled'].includes(document.querySelector(`[data-deployment="${id}"]:not([data-old])`)?.dataset.status)), ids, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#stop')?.disabled === true, null, { timeout: 10_000 });
    return frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.dataset.status])));
  };
  /** Checks exactly these deployments (the list is drawn again after each change: each box is looked up afresh). */
  const select = async (ids) => {
    const all = await frame.$$eval('[data-deployment-choice]', (boxes) => boxes.map((box) => box.value));
    for (const id of all) {
      const box = frame.locator(`[data-deployment-choice="${id}"]`);
      if ((await box.isChecked()) !== ids.includes(id)) await box.click();
    }
    assert.deepEqual((await frame.$$eval('[data-deployment-choice]', (boxes) => boxes.filter((box) => box.checked).map((box) => box.value))).sort(), [...ids].sort());
  };
  const columnOf = (id) => frame.$eval(`[data-deployment="${id}"]`, (column) => {
    const metric = (hook) => {
      const value = column.querySelector(`[data-metric="${hook}"]`);
      return { text: value.textContent, title: value.title, shown: !value.parentElement.hidden };
    };
    const reasoning = column.querySelector('[data-role="reasoning"]');
    return {
      status: column.dataset.status, output: column.querySelector('[data-role="output"]').textContent,
      reasoningShown: !reasoning.hidden, reasoningOpen: reasoning.open, summary: reasoning.querySelector('summary').textContent, reasoningText: reasoning.querySelector('[data-role="reasoning-text"]').textContent,
      ttft: metric('ttft'), ttfr: metric('ttfr'), reasoningTokens: metric('reasoning'), tps: metric('tps'), error: column.querySelector('.error:not([hidden])')?.innerText ?? null,
    };
  });

  it('four clouds answer with reasoning on: the reasoning folded, its tokens and first-reasoning time beside ttft', async () => {
    await select(REASONING);
    await frame.fill('#prompt', 'Why do answers from the same model differ across clouds?');
    await frame.selectOption('#reasoning', 'high');
    await mark();
    await frame.click('#run');
    const status = await settled(REASONING);
    assert.deepEqual(Object.fromEntries(REASONING.map((id) => [id, status[id]])), Object.fromEntries(REASONING.map((id) => [id, 'ok'])));
    const columns = Object.fromEntries(await Promise.all(REASONING.map(async (id) => [id, await columnOf(id)])));
    // OpenAI's gpt-4o-mini does not reason: the setting is not sent, and the column says so
    assert.equal(columns['openai-4o-mini'].reasoningShown, false);
    assert.match(await frame.$eval('[data-deployment="openai-4o-mini"] .warnings', (element) => element.innerText), /gpt-4o-mini does not reason: sent without a reasoning setting/);
    // the local server counts reasoning but streams none of it
    for (const id of ['ollama-llama']) {
      assert.equal(columns[id].reasoningShown, false, id);
      assert.match(columns[id].reasoningTokens.text, /^[1-9][\d,]*$/, id);
      assert.equal(columns[id].reasoningTokens.shown, true, id);
      assert.match(columns[id].tps.text, /^[\d,.]+$/, `${id}: tokens/s of visible output`);
    }
    // Claude on Bedrock streams its thinking, counts none of it: "—", and says why; no visible rate is claimed
    const claude = columns['bedrock-sonnet-global'];
    assert.equal(claude.reasoningShown, true);
    assert.equal(claude.reasoningOpen, false, 'folded by default');
    assert.match(claude.summary, /^Reasoning \([\d,]+ characters\)$/);
    assert.equal(claude.reasoningTokens.text, '—');
    assert.equal(claude.reasoningTokens.title, 'this cloud does not count reasoning');
    assert.match(claude.ttfr.text, /\d/);
    assert.equal(claude.tps.text, '—');
    // Gemini streams thought summaries and counts them
    const gemini = columns['gemini-25-flash'];
    assert.equal(gemini.reasoningShown, true);
    assert.match(gemini.summary, /^Reasoning \([\d,]+ tokens · [\d,]+ characters\)$/);
    assert.match(gemini.ttfr.text, /\d/);
    assert.match(gemini.ttft.text, /\d/);
    const offscreen = await frame.$$eval('[data-deployment]', (all) => all.filter((column) => column.getBoundingClientRect().right > window.innerWidth + 1).map((column) => column.dataset.deployment));
    assert.deepEqual(offscreen, [], 'every column is in view');
    await frame.click('[data-deployment="bedrock-sonnet-global"] [data-role="reasoning-summary"]');
    assert.equal(await frame.$eval('[data-deployment="bedrock-sonnet-global"] [data-role="reasoning"]', (element) => element.open), true);
    assert.ok((await columnOf('bedrock-sonnet-global')).reasoningText.length > 20);
    await screenshot(page, '30-reasoning-four-clouds');
  });

  it('the next turn sends each column\'s reasoning back (Claude\'s with its signature), and every cloud takes it', async () => {
    await frame.fill('#follow-up', 'Say that in one sentence.');
    await mark();
    await frame.click('#send-follow-up');
    const status = await settled(REASONING);
    for (const id of REASONING) assert.equal(status[id], 'ok', `${id}: ${(await columnOf(id)).error}`);
    const sent = JSON.stringify(emulators.bedrock.server.requests.at(-1)?.body ?? '');
    assert.match(sent, /signature/, 'Bedrock got its reasoning back with the signature');
  });

  it('an image attached through the file picker reaches three clouds; a file that is not an image is refused', async () => {
    await select(IMAGES);
    await frame.selectOption('#reasoning', '');
    await frame.fill('#prompt', 'What does this chart show?');
    await frame.click('#attach-image');
    // code-server's own file dialog: pick the file, accept it
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // the dialog is ready once it shows its starting folder; then pick the file from its list (typing races its
    // completion of the path as it is typed)
    await page.waitForFunction(() => /\/$/.test(document.querySelector('.quick-input-widget input')?.value ?? ''), null, { timeout: 15_000 });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'chart.png' }).click();
    await page.waitForFunction(() => /chart\.png$/.test(document.querySelector('.quick-input-widget input')?.value ?? ''), null, { timeout: 10_000 });
    // a click may already accept it; otherwise Enter does (pressed again while it stays open)
    const widget = page.locator('.quick-input-widget');
    for (let presses = 0; presses < 3 && await widget.isVisible(); presses++) {
      await page.keyboard.press('Enter');
      await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
    if (await widget.isVisible()) {
      await screenshot(page, 'fail-file-dialog');
      assert.fail(`the file dialog stayed open: ${JSON.stringify({ value: await input.inputValue(), text: await widget.innerText() })}`);
    }
    await waitForQuickInputClosed(page);
    await frame.waitForSelector('[data-image] img', { timeout: 15_000 });
    const thumbnail = await frame.$eval('[data-image] img', (image) => ({ loaded: image.complete && image.naturalWidth > 0, src: image.getAttribute('src'), alt: image.alt }));
    assert.equal(thumbnail.loaded, true, `the thumbnail loads from ${thumbnail.src}`);
    assert.doesNotMatch(thumbnail.src, /^data:/);
    assert.equal(thumbnail.alt, 'chart.png');
    // a pasted file that is not an image never leaves the webview
    await frame.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['not an image'], 'notes.txt', { type: 'text/plain' }));
      document.querySelector('#prompt').dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    });
    await frame.waitForFunction(() => /Not attached: notes\.txt is not an image/.test(document.querySelector('.notice')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(await frame.$$eval('[data-image]', (items) => items.length), 1);
    await mark();
    await frame.click('#run');
    const status = await settled(IMAGES);
    for (const id of IMAGES) {
      const column = await columnOf(id);
      assert.equal(status[id], 'ok', `${id}: ${column.error}`);
      assert.match(column.output, /\(1 image\)\s*$/, id);
    }
    await screenshot(page, '31-image-three-clouds');
  });

  it('the run reopened from history shows its image again, read from storage', async () => {
    await frame.click('[data-image] .remove-image');
    assert.equal(await frame.$$eval('[data-image]', (items) => items.length), 0);
    await mark();
    await frame.click('[data-history]');
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment]:not([data-old])').length === 3, null, { timeout: 10_000 });
    await frame.waitForSelector('[data-image] img', { timeout: 10_000 });
    assert.equal(await frame.$eval('[data-image] img', (image) => image.complete && image.naturalWidth > 0), true);
    for (const id of IMAGES) assert.match((await columnOf(id)).output, /\(1 image\)\s*$/, id);
  });
});
