// `npm run test:e2e`: builds, then runs test/e2e/*.e2e.test.mjs with mocha. Each suite packages the .vsix,
// installs it into a fresh code-server profile, starts the bundled emulators and drives the UI with
// playwright-core and Debian's chromium (installed by scripts/vscode-rig.sh when missing).
// Bounded in time; stops every process it started. Screenshots: test/e2e/screenshots/.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, ensureRig } from './lib/codeServer.mjs';

ensureRig();
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.test.json')], { stdio: 'inherit', cwd: ROOT });
const mocha = join(ROOT, 'node_modules/mocha/bin/mocha.js');
const result = spawnSync(process.execPath, [mocha, '--no-config', '--reporter', join(ROOT, 'test/support/summary-reporter.js'), '--timeout', '120000', '--exit', 'test/e2e/*.e2e.test.mjs'], {
  cwd: ROOT, stdio: 'inherit', timeout: Number(process.env.FANOUT_E2E_TIMEOUT ?? 1200) * 1000, // seven suites: the seven-deployment one adds ~3 min
});
if (result.error) console.error(`[test:e2e] ${result.error.message}`);
process.exit(result.status ?? 1);
