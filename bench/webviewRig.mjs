// What figure 5 and its profiler share: the markdown answer the emulator streams, and a code-server with the packaged
// extension whose playground is open, its prompt filled, one column per emulated deployment, ready to press Run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer } from '../scripts/lib/codeServer.mjs';
import { openWorkbench, playgroundFrame, runCommand } from '../test/e2e/workbench.mjs';

const require = createRequire(import.meta.url);

/** About `words` tokens of markdown: paragraphs, a list every fifth block and a fenced code block every ninth. */
export function markdownAnswer(words) {
  const parts = [];
  for (let i = 0; parts.length < words; i++) {
    if (i % 9 === 8) parts.push('```ts\nconst fanout = await run(prompt, deployments);\nconsole.log(fanout.results.length);\n```\n\n');
    else if (i % 5 === 4) parts.push('- one cloud\n- another cloud\n- **the same** prompt\n\n');
    for (let w = 0; w < 50; w++) parts.push(['Fanout', 'streams', 'one', 'prompt', 'to', '`every`', 'cloud', 'and', '*compares*', 'answers'][w % 10]);
    parts.push('\n\n');
  }
  return parts.slice(0, words).join(' ');
}

/** The baseline's answer: the same words and paragraphs as markdownAnswer, with no markdown in them. */
export function plainAnswer(words) {
  const parts = [];
  for (let i = 0; parts.length < words; i++) {
    for (let w = 0; w < 50; w++) parts.push(['Fanout', 'streams', 'one', 'prompt', 'to', 'every', 'cloud', 'and', 'compares', 'answers'][w % 10]);
    parts.push('\n\n');
  }
  return parts.slice(0, words).join(' ');
}

/**
 * Packages the extension, starts an OpenAI-compatible emulator answering `text` at `rate` tokens/s, code-server with
 * `columns` deployments on it, and chromium with the playground open. Returns the page, the playground's frame, the
 * browser, and stop().
 */
export async function openPlaygroundRig({ columns, text, rate }) {
  const vsix = join(mkdtempSync(join(tmpdir(), 'fanout-bench-vsix-')), 'fanout.vsix');
  execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'ignore' });
  const { OpenAIEmulator } = require(join(ROOT, 'out/test/emulators/openai.js'));
  const emulator = await new OpenAIEmulator({ rules: { default: { text, tokensPerSecond: rate, firstTokenDelayMs: 100 } } }).start();
  const deployments = Array.from({ length: columns }, (_, i) => ({ id: `stream-${i + 1}`, provider: 'openai-compatible', model: `model-${i + 1}`, baseUrl: `${emulator.url}/v1` }));
  const server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments, 'fanout.history.enabled': false } });
  const browser = await launchChromium();
  const stop = async () => {
    await browser.close().catch(() => {});
    server.stop();
    await emulator.stop();
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 920 } });
    await openWorkbench(page, server.url, server.workspace);
    await runCommand(page, 'Fanout: Open Playground');
    const frame = await playgroundFrame(page);
    await frame.fill('#prompt', 'Write a long answer.');
    return { browser, page, frame, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once every column has settled (done or failed). */
export function waitForColumns(frame, columns, timeoutMs) {
  return frame.waitForFunction((count) => document.querySelectorAll('[data-deployment][data-status="ok"], [data-deployment][data-status="error"]').length === count, columns, { timeout: timeoutMs, polling: 1000 });
}
