// End to end: conversations, tools and structured output in the playground, on four clouds side by side (OpenAI,
// Bedrock, the Gemini API and a local OpenAI-compatible server, all emulated): a three-turn conversation with a tool
// call and its result, one column continued alone, the conversation reopened from history, and a schema run where
// the local model's answer misses a required property and its column says where.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { answer, openWorkbench, packageVsix, pickByDescription, playgroundFrame, runCommand, screenshot, waitForQuickInputClosed } from './workbench.mjs';

const require = createRequire(import.meta.url);
const FOUR = ['openai-4o-mini', 'bedrock-haiku-us', 'gemini-flash', 'ollama-llama'];

describe('the playground: conversations, tools and structured output', function () {
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
    const deployments = emulators.deployments.filter((deployment) => FOUR.includes(deployment.id));
    server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'workbench.colorTheme': 'Default Dark Modern' } });
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
    // room for four columns side by side, and nothing over them
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Fanout: Open Playground');
    frame = await playgroundFrame(page);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    await emulators?.stop();
  });

  const statuses = () => frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.dataset.status])));
  /** Marks the columns shown, so `settled` waits for the fresh ones a run puts in their place. */
  const mark = () => frame.evaluate(() => document.querySelectorAll('[data-deployment]').forEach((column) => (column.dataset.old = '1')));
  /** Waits until the fresh columns `ids` have ended, and the run with them; then says how every column ended. */
  const settled = async (ids = FOUR) => {
    await frame.waitForFunction((wanted) => wanted.every((id) => ['ok', 'error', 'cancelled'].includes(document.querySelector(`[data-deployment="${id}"]:not([data-old])`)?.dataset.status)), ids, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#stop')?.disabled === true, null, { timeout: 10_000 });
    return statuses();
  };
  const turnsOf = (id) => frame.$$eval(`[data-deployment="${id}"] .thread .turn`, (turns) => turns.map((turn) => turn.querySelector('.turn-role').textContent));
  const outputOf = (id) => frame.$eval(`[data-deployment="${id}"] [data-role="output"]`, (element) => element.textContent);
  const allOk = (status) => assert.deepEqual(status, Object.fromEntries(FOUR.map((id) => [id, 'ok'])));

  it('three turns with a tool call and its result, each column in its own thread', async () => {
    await frame.fill('#prompt', 'What is the weather in Paris right now? Use the tool.');
    await frame.click('.tools-panel summary');
    await frame.click('[data-preset="get_weather"]');
    assert.match(await frame.$eval('#tools', (element) => element.value), /"name": "get_weather"/);
    await mark();
    await frame.press('#prompt', 'Control+Enter');
    allOk(await settled());
    // turn 1: every cloud calls get_weather, its arguments checked against the tool's parameters
    for (const id of FOUR) {
      const call = await frame.$eval(`[data-deployment="${id}"] .tool-call`, (element) => ({ tool: element.dataset.tool, valid: element.dataset.valid, text: element.innerText }));
      assert.equal(call.tool, 'get_weather', id);
      assert.equal(call.valid, 'true', `${id}: ${call.text}`);
      assert.match(call.text, /arguments valid[\s\S]*"city": "Paris"/, id);
      assert.match(call.text, /waits for its result/, id);
    }
    assert.match(await frame.$eval('.tool-results', (element) => element.innerText), /Result of get_weather, for every column that called it: openai-4o-mini, bedrock-haiku-us, gemini-flash, ollama-llama/);
    assert.equal(await frame.$eval('#send-follow-up', (element) => element.disabled), true, 'no next turn while calls wait');
    await screenshot(page, '20-conversation-tool-calls');

    // turn 2: one result for every column that called the tool
    await frame.fill('[data-tool-result="get_weather"]', '{"temperatureC": 21, "sky": "clear"}');
    await mark();
    await frame.click('[data-send-tool="get_weather"]');
    allOk(await settled());
    for (const id of FOUR) {
      const text = await outputOf(id);
      assert.match(text, /The get_weather tool says: .*"temperatureC": ?21/, `${id}: ${text}`);
      assert.deepEqual(await turnsOf(id), ['You', 'Answer', 'Result of get_weather'], id);
    }
    assert.equal(await frame.$eval('.tool-results', (element) => element.hidden), true, 'nothing waits any more');
    await screenshot(page, '21-conversation-tool-result');

    // turn 3: the next question goes to every column; each asks its tool again, and gets its own result
    await frame.fill('#follow-up', 'And in Rome tomorrow?');
    await mark();
    await frame.click('#send-follow-up');
    allOk(await settled());
    for (const id of FOUR) assert.deepEqual(await turnsOf(id), ['You', 'Answer', 'Result of get_weather', 'Answer', 'You'], id);
    await frame.click('.tool-results details summary');
    for (const [index, id] of FOUR.entries()) await frame.fill(`[data-call^="${id}:"]`, `Rome: ${18 + index} °C`);
    await mark();
    await frame.click('[data-send-tool="get_weather"]');
    allOk(await settled());
    for (const [index, id] of FOUR.entries()) {
      const text = await outputOf(id);
      assert.match(text, new RegExp(`The get_weather tool says: .*Rome: ${18 + index} °C`), `${id}: ${text}`);
    }
    await screenshot(page, '22-conversation-three-turns');
  });

  it('continues one column alone; the others keep their thread', async () => {
    const before = Object.fromEntries(await Promise.all(FOUR.map(async (id) => [id, await outputOf(id)])));
    await frame.click('[data-deployment="gemini-flash"] [data-role="follow-up"]');
    assert.equal(await frame.$eval('#follow-up-target', (element) => element.value), 'gemini-flash');
    await frame.fill('#follow-up', 'Only you: and in Oslo?');
    await mark();
    await frame.press('#follow-up', 'Control+Enter');
    await settled(['gemini-flash']);
    assert.equal((await turnsOf('gemini-flash')).length, 9);
    for (const id of FOUR.filter((id) => id !== 'gemini-flash')) {
      assert.equal(await outputOf(id), before[id], `${id} changed`);
      assert.equal((await turnsOf(id)).length, 7, id);
    }
  });

  it('reopens the conversation from history with its threads and tools', async () => {
    await frame.fill('#tools', '');
    await mark();
    await frame.click('[data-history]'); // the newest: this conversation's last turn
    await frame.waitForFunction(() => document.querySelectorAll('[data-deployment]:not([data-old]) .thread').length === 4, null, { timeout: 10_000 });
    assert.match(await frame.$eval('#tools', (element) => element.value), /"name": "get_weather"/);
    assert.match(await frame.$eval('.history-list', (element) => element.innerText), /turns/);
  });

  it('a schema run: three answers valid, the local model\'s invalid, and its column says where', async () => {
    await frame.fill('#tools', '');
    await frame.click('.format-panel summary');
    await frame.click('[data-role="schema-example"]');
    assert.equal(await frame.$eval('#schema-strict', (element) => element.checked), true);
    await frame.fill('#prompt', 'Describe the weather in Paris as JSON.');
    await mark();
    await frame.click('#run');
    allOk(await settled());
    const badges = await frame.$$eval('[data-deployment]', (columns) => Object.fromEntries(columns.map((column) => [column.dataset.deployment, column.querySelector('.structured')?.dataset.schemaValid])));
    assert.deepEqual(badges, { 'openai-4o-mini': 'true', 'bedrock-haiku-us': 'true', 'gemini-flash': 'true', 'ollama-llama': 'false' });
    assert.equal(await frame.$eval('[data-deployment="ollama-llama"] [data-role="schema-error"]', (element) => element.textContent), "/: must have required property 'city'");
    for (const id of FOUR) assert.match(await frame.$eval(`[data-deployment="${id}"] .structured-mode`, (element) => element.textContent), /^asked (natively|through a forced tool|by instruction)$/, id);
    await frame.click('[data-deployment="openai-4o-mini"] .structured details summary');
    assert.match(await frame.$eval('[data-deployment="openai-4o-mini"] .structured details pre', (element) => element.textContent), /"temperatureC"/);
    assert.equal(await frame.$eval('#follow-up-target', (element) => element.value), '*', 'a new conversation goes to every column');
    // every column is in view: none hides off to the side
    const offscreen = await frame.$$eval('[data-deployment]', (columns) => columns.filter((column) => column.getBoundingClientRect().right > window.innerWidth + 1).map((column) => column.dataset.deployment));
    if (offscreen.length) await screenshot(page, 'fail-23-offscreen');
    assert.deepEqual(offscreen, []);
    await screenshot(page, '23-schema-one-invalid');
  });
});
