// Drives a real VS Code workbench in chromium the way a person does: the command palette, quick picks,
// input boxes, notifications and editors, read from the screen.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/codeServer.mjs';

export const SCREENSHOTS = join(ROOT, 'test/e2e/screenshots');

/**
 * Packages the .vsix the suites install (once per test process). The e2e lane tests what the editor shows: a
 * package over its size budget is `npm run package`'s failure to report, so it is printed here, not thrown; any
 * other packaging failure is thrown.
 */
let packaged;
export function packageVsix() {
  if (packaged) return packaged;
  const vsix = join(mkdtempSync(join(tmpdir(), 'fanout-vsix-')), 'fanout.vsix');
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
  // the .vsix budget holds here too: an over-budget package fails the lane
  if (result.status !== 0) throw new Error(`packaging failed: ${result.stderr || result.error?.message}`);
  packaged = vsix;
  return vsix;
}

export async function openWorkbench(page, url, folder) {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.statusbar', { timeout: 60_000 });
  // focus the workbench so keyboard shortcuts reach it
  await page.locator('.monaco-workbench .part.editor').click({ position: { x: 200, y: 200 } }).catch(() => {});
}

const quickInput = (page) => page.locator('.quick-input-widget');

/** Opens the palette and types `text` after the ">" prefix; returns the visible row labels. */
export async function searchPalette(page, text) {
  // right after start-up the workbench may not take the first key yet: try again until the palette lists rows
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.keyboard.press('F1');
    const input = quickInput(page).locator('input');
    const opened = await input.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    if (opened) {
      await input.fill(`>${text}`);
      await page.waitForTimeout(400);
      const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      if (rows.some((row) => row.includes(text))) return rows;
      await page.keyboard.press('Escape');
    }
    await page.locator('.monaco-workbench .part.editor').click({ position: { x: 200, y: 200 } }).catch(() => {});
    await page.waitForTimeout(1000);
  }
  throw new Error(`the palette never listed "${text}"`);
}

export async function runCommand(page, title) {
  await searchPalette(page, title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Picks the row of the open quick pick whose description is exactly `description`. */
export async function pickByDescription(page, description) {
  const exact = new RegExp(`^${description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-description', { hasText: exact }) }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Types into the open input box (a quick input with no list) and presses Enter. */
export async function answer(page, text) {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

export async function waitForQuickInputClosed(page) {
  await quickInput(page).waitFor({ state: 'hidden', timeout: 15_000 });
}

export async function notificationTexts(page) {
  return page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
}

/** Waits for a notification matching `pattern`; with `newerThan` (an earlier count), for one more than that. */
export async function countNotifications(page, pattern) {
  return (await notificationTexts(page)).filter((text) => pattern.test(text)).length;
}

export async function waitForNotification(page, pattern, timeoutMs = 20_000, newerThan = 0) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const matching = (await notificationTexts(page)).filter((text) => pattern.test(text));
    if (matching.length > newerThan) return matching.at(-1);
    await page.waitForTimeout(200);
  }
  throw new Error(`no notification matching ${pattern}; shown: ${JSON.stringify(await notificationTexts(page))}`);
}

/** The rows of the first table rendered in a webview (the markdown preview), each as its cells' text. */
export async function webviewTableRows(page, timeoutMs = 20_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    for (const frame of page.frames()) {
      const rows = await frame.evaluate(() => [...document.querySelectorAll('table tr')].map((row) => [...row.cells].map((cell) => cell.innerText.trim()))).catch(() => null);
      if (rows?.length) return rows;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('no rendered table in any webview');
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The frame holding the playground's own document (webviews nest an iframe inside an iframe). */
export async function playgroundFrame(page, timeoutMs = 30_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    for (const frame of page.frames()) {
      if (await frame.$('#app .toolbar').catch(() => null)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the playground webview did not appear');
}

/** Switches the colour theme from the palette, as a person does: Preferences: Color Theme, then its name. */
export async function setTheme(page, theme) {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  await page.waitForTimeout(800);
}

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
export function luminance(rgb) {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
