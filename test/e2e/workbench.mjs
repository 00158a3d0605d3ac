// Drives a real VS Code workbench in chromium the way a person does: the command palette, quick picks,
// input boxes, notifications and editors, read from the screen.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
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

export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
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

/**
 * A small copy of a screenshot for the README: the picture drawn `width` pixels wide in a page of its own and
 * photographed there (chromium scales it; no image tool needed).
 */
export async function smallPicture(browser, source, target, width, keep = 1) {
  const page = await browser.newPage({ viewport: { width, height: 400 }, deviceScaleFactor: 1 });
  try {
    // `keep`: the share of the picture's height kept, from the top
    await page.setContent(`<body style="margin:0"><div id="frame" style="overflow:hidden;width:${width}px"><img id="shot" style="display:block;width:${width}px" src="data:image/png;base64,${readFileSync(source).toString('base64')}"></div></body>`);
    await page.waitForFunction(() => document.getElementById('shot').complete);
    await page.evaluate((share) => { const shot = document.getElementById('shot'); document.getElementById('frame').style.height = `${Math.round(shot.getBoundingClientRect().height * share)}px`; }, keep);
    await page.locator('#frame').screenshot({ path: target });
  } finally {
    await page.close();
  }
  return target;
}

/**
 * Measures every text the document shows against what is behind it (WCAG 2 contrast: 4.5:1, 3:1 for large text
 * and for aria-hidden marks, which are graphics). Disabled controls are exempt, as WCAG has it. Returns how many
 * were measured and each one under its floor, named by its place, text and colours.
 */
export async function auditContrast(frame) {
  return frame.evaluate(() => {
    const parse = (value) => {
      let match = /rgba?\(([^)]+)\)/.exec(value);
      if (match) {
        const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
      }
      match = /color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)/.exec(value);
      if (match) return [Number(match[1]) * 255, Number(match[2]) * 255, Number(match[3]) * 255, match[4] === undefined ? 1 : Number(match[4])];
      return null;
    };
    const over = (top, bottom) => {
      const alpha = top[3];
      return [0, 1, 2].map((i) => top[i] * alpha + bottom[i] * (1 - alpha)).concat(1);
    };
    const luminance = (colour) => {
      const [r, g, b] = colour.slice(0, 3).map((v) => v / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (light + 0.05) / (dark + 0.05);
    };
    const backgroundOf = (element) => {
      const layers = [];
      for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour[3] > 0) {
          layers.push(colour);
          if (colour[3] >= 1) break;
        }
      }
      let result = [255, 255, 255, 1];
      const root = parse(getComputedStyle(document.body).backgroundColor);
      if (root && root[3] >= 1) result = root;
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const shown = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden' && !element.closest('[hidden]');
    const name = (element) => {
      const column = element.closest('[data-deployment]')?.dataset.deployment;
      const classes = [...element.classList].join('.');
      return `${column ? `[${column}] ` : ''}${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}`;
    };
    const failures = new Map();
    let checked = 0;
    const elements = [...document.querySelectorAll('#app *')];
    for (const element of elements) {
      const isField = element.matches('textarea, input[type=text], input[type=number], select');
      const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
      if (!isField && !ownText) continue;
      if (isField && !element.value) continue;
      if (!shown(element) || element.closest(':disabled, [aria-disabled=true]')) continue;
      const style = getComputedStyle(element);
      const svgText = element instanceof SVGElement;
      let colour = parse(svgText ? style.fill : style.color);
      if (!colour) continue;
      let opacity = 1;
      for (let node = element; node && node.nodeType === 1; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
      colour = [colour[0], colour[1], colour[2], colour[3] * opacity];
      const background = backgroundOf(svgText ? element.closest('svg').parentElement : element);
      const measured = ratio(over(colour, background), background);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const graphic = Boolean(element.closest('[aria-hidden=true]'));
      const floor = large || graphic ? 3 : 4.5;
      checked++;
      if (measured < floor) {
        const key = `${name(element)} ${style.color}`;
        if (!failures.has(key)) failures.set(key, `${name(element)} "${(element.value ?? element.textContent).trim().slice(0, 24)}": ${svgText ? style.fill : style.color} on rgb(${background.slice(0, 3).map(Math.round).join(', ')}) = ${measured.toFixed(2)}:1 (floor ${floor})`);
      }
    }
    // graphics that carry meaning (chart bars, phase segments) against what is behind them: 3:1
    for (const element of document.querySelectorAll('.bar-ttft, .bar-total, .bar-cost, .phase')) {
      if (!shown(element)) continue;
      const svgShape = element instanceof SVGElement;
      const colour = parse(svgShape ? getComputedStyle(element).fill : getComputedStyle(element).backgroundColor);
      if (!colour) continue;
      const background = backgroundOf((svgShape ? element.closest('svg') : element).parentElement);
      // an outline of 3:1 is enough for a graphic to be told apart (WCAG 1.4.11)
      const stroke = svgShape && parseFloat(getComputedStyle(element).strokeWidth) > 0 ? parse(getComputedStyle(element).stroke) : null;
      const measured = Math.max(ratio(over(colour, background), background), stroke ? ratio(over(stroke, background), background) : 0);
      checked++;
      if (measured < 3) failures.set(`graphic ${name(element)}`, `${name(element)} (a graphic): ${svgShape ? getComputedStyle(element).fill : getComputedStyle(element).backgroundColor} on rgb(${background.slice(0, 3).map(Math.round).join(', ')}) = ${measured.toFixed(2)}:1 (floor 3)`);
    }
    return { checked, failures: [...failures.values()] };
  });
}
