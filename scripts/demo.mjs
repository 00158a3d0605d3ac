// `npm run demo`: Fanout's main job on the embedded default. Starts the bundled emulators (one per cloud,
// speaking each cloud's real wire protocol on 127.0.0.1), writes a config with one deployment or more of every provider kind, and runs
// the real `fanout` binary against them. No cloud account needed. Extra arguments go to `fanout run`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { startDemoEmulators, DEMO_KEYS } = require(resolve('out/test/emulators/demo.js'));

const emulators = await startDemoEmulators();
const dir = mkdtempSync(join(tmpdir(), 'fanout-demo-'));
const config = join(dir, 'demo.fanout.json');
writeFileSync(config, JSON.stringify({ deployments: emulators.deployments }, null, 2));
const args = process.argv.slice(2);
const prompt = 'In two sentences: why can the same model answer differently, and at a different speed, on two clouds?';
console.log(`Fanout demo: ${emulators.deployments.length} deployments on ${new Set(emulators.deployments.map((d) => d.provider)).size} provider kinds, emulated on 127.0.0.1\n> ${prompt}\n`);
// the CLI demo signs Bedrock requests with SigV4 keys: the Bedrock API key stays out of its environment
const env = { ...process.env, ...DEMO_KEYS, NO_PROXY: '127.0.0.1,localhost' };
delete env.AWS_BEARER_TOKEN_BEDROCK;
const child = spawn(process.execPath, [resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', prompt, '--max-tokens', '200', ...args], {
  stdio: 'inherit',
  env,
});
const code = await new Promise((done) => child.on('exit', (exitCode) => done(exitCode ?? 1)));
await emulators.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(code);
