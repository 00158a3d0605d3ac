// `npm run test:vscode`: the suites in test/vscode inside a real extension host.
// Offline (here) they run in code-server driven by chromium; with FANOUT_VSCODE_RUNNER=electron, where VS Code
// can be downloaded, the same run() entry runs under @vscode/test-electron. Bounded in time; stops what it starts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { format } from 'node:util';
import { ROOT, launchChromium, startCodeServer } from './lib/codeServer.mjs';
import { sweep } from './lib/sentinelSweep.mjs';

const TIMEOUT_S = Number(process.env.FANOUT_VSCODE_TIMEOUT ?? 300);
const started = Date.now();
const t = (message) => console.log(`[test:vscode ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.test.json')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { stdio: 'inherit', cwd: ROOT });
const extensionDevelopmentPath = ROOT;
// FANOUT_VSCODE_TESTS runs another run() entry the same way (the bench's extension-host figures)
const extensionTestsPath = process.env.FANOUT_VSCODE_TESTS ? join(ROOT, process.env.FANOUT_VSCODE_TESTS) : join(ROOT, 'out/test/vscode/index.js');

if (process.env.FANOUT_VSCODE_RUNNER === 'electron') {
  const { runTests } = await import('@vscode/test-electron');
  const code = await runTests({ extensionDevelopmentPath, extensionTestsPath, launchArgs: ['--disable-extensions'] }).then(() => 0, () => 1);
  process.exit(code);
}

const server = await startCodeServer({ smokeDriver: true });
t(`code-server on ${server.url}`);
let browser;
let exitCode = 1;
let summary = '';
const hardStop = setTimeout(() => {
  console.error(`[test:vscode] TIMEOUT after ${TIMEOUT_S} s`);
  void browser?.close();
  server.stop();
  console.log('0 passed, 1 failed');
  process.exit(2);
}, TIMEOUT_S * 1000);
try {
  browser = await launchChromium({ userDataDir: join(server.tmp, 'browser') });
  const page = await browser.newPage();
  const noise = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|Service Worker)|open-vsx\.org|^\s+at .*\/static\/out\/vs\/|^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin)/;
  const done = new Promise((resolveExit) => {
    void page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...args);
      const match = /^\s*(\d+ passed, \d+ failed.*)$/m.exec(line);
      if (match) summary = match[1];
      if (!noise.test(line)) console.log(line);
    });
    void page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  });
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  const authority = `127.0.0.1:${server.port}`;
  const uri = (path) => `vscode-remote://${authority}${path.split('/').map(encodeURIComponent).join('/')}`;
  const payload = JSON.stringify([['extensionDevelopmentPath', uri(extensionDevelopmentPath)], ['extensionTestsPath', uri(extensionTestsPath)], ['skipWelcome', 'true']]);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(payload)}`);
  t('workbench loading; the suites run inside the extension host');
  exitCode = await done;
  t(`extension host exited with ${exitCode}`);
  await browser.close();
  browser = undefined;
  // the suites stored sentinel keys through the editor: none may be anywhere but the secret store
  const { files, paths, hits } = sweep([server.tmp]);
  if (process.env.FANOUT_SWEEP_LIST) console.log(paths.join('\n'));
  t(`sentinel sweep: ${files} files the editor and its browser left (settings, global state, logs, history, spend, workspace, caches), ${hits.length} holding a sentinel key`);
  for (const hit of hits) console.log(`  sentinel found in ${hit}`);
  if (hits.length) exitCode = 1;
} catch (error) {
  console.error('[test:vscode] ERROR', error.message);
} finally {
  clearTimeout(hardStop);
  await browser?.close().catch(() => {});
  server.stop();
}
console.log(summary || (exitCode === 0 ? '' : '0 passed, 1 failed'));
process.exit(exitCode);
