// `npm run pictures`: the README's pictures, taken by the end-to-end lane. Runs the seven-deployment suite
// (test/e2e/sevenDeployments.e2e.test.mjs: the demo deployments on the bundled emulators in code-server) with
// FANOUT_PICTURES_DIR set, so it writes small copies of its screenshots into docs/images/ (kept under 150 KB each).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureRig } from './lib/codeServer.mjs';

const target = join(ROOT, 'docs/images');
mkdirSync(target, { recursive: true });
ensureRig();
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.test.json')], { stdio: 'inherit', cwd: ROOT });
const mocha = join(ROOT, 'node_modules/mocha/bin/mocha.js');
const result = spawnSync(process.execPath, [mocha, '--no-config', '--timeout', '120000', '--exit', 'test/e2e/sevenDeployments.e2e.test.mjs'], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, FANOUT_PICTURES_DIR: target }, timeout: 900_000,
});
for (const name of readdirSync(target).filter((file) => file.endsWith('.png'))) {
  const kb = statSync(join(target, name)).size / 1024;
  console.log(`${kb > 150 ? 'TOO BIG ' : ''}docs/images/${name}: ${kb.toFixed(0)} KB`);
}
process.exit(result.status ?? 1);
