// A real VS Code (code-server from .cache/rig) on 127.0.0.1 with a throwaway profile, and Debian's chromium
// driven by playwright-core. Shared by the editor lane, the end-to-end lane and demo:ui.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Installs (or reuses) the rig; returns paths to code-server's entry and the Node that runs it. */
export function ensureRig() {
  const rig = execFileSync('bash', [join(ROOT, 'scripts/vscode-rig.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return { entry: join(rig, 'cs/node_modules/code-server/out/node/entry.js'), node: process.execPath };
}

export const freePort = () => new Promise((done) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => done(port));
  });
});

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true, 'chat.disableAIFeatures': true, 'telemetry.telemetryLevel': 'off',
  'update.mode': 'none', 'workbench.enableExperiments': false, 'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false, 'window.commandCenter': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Starts code-server. `settings` are the user settings; `vsix` is installed into the fresh profile first;
 * `smokeDriver` enables the test payload (extensionDevelopmentPath / extensionTestsPath in the URL).
 */
export async function startCodeServer({ settings = {}, vsix, smokeDriver = false, log = false, port } = {}) {
  const { entry, node } = ensureRig();
  const tmp = mkdtempSync(join(tmpdir(), 'fanout-vscode-'));
  const userData = join(tmp, 'data');
  const workspace = join(tmp, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'prompt.md'), 'Explain the difference between TCP and UDP in two sentences.\n');
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const env = { ...process.env, XDG_DATA_HOME: join(tmp, 'xdg-data'), XDG_CONFIG_HOME: join(tmp, 'xdg-config'), NO_PROXY: '127.0.0.1,localhost' };
  const common = ['--user-data-dir', userData, '--extensions-dir', join(tmp, 'extensions')];
  let installOutput = '';
  if (vsix) {
    installOutput = execFileSync(node, [entry, ...common, '--install-extension', vsix], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const chosenPort = port ?? await freePort();
  const args = [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${chosenPort}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', '--log', 'info',
    ...(smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : [])];
  const server = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  let output = '';
  await new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      if (log) process.stdout.write(`[code-server] ${chunk}`);
      if (/HTTP server listening/.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code) => fail(new Error(`code-server exited early (${code}):\n${output}`)));
  });
  const url = `http://127.0.0.1:${chosenPort}`;
  return {
    url, port: chosenPort, workspace, userData, tmp, installOutput,
    stop() {
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
      setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000).unref();
      rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * Headless chromium. With `userDataDir` the browser profile (where the web workbench keeps global state and the
 * secret store) stays in that folder after close, for the sentinel sweep; the result has newPage() and close() either way.
 */
export async function launchChromium({ userDataDir } = {}) {
  const { chromium } = await import('playwright-core');
  if (userDataDir) return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
