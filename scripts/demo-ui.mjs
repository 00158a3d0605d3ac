// `npm run demo:ui`: the embedded default, in the editor. Starts the bundled emulators and a code-server with
// the packaged Fanout installed and one demo deployment per provider configured; prints the URL to open.
// Ctrl+C stops everything. FANOUT_DEMO_PORT picks the editor's port (default 8080).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startCodeServer } from './lib/codeServer.mjs';

const require = createRequire(import.meta.url);
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.test.json')], { stdio: 'inherit', cwd: ROOT });
const vsix = join(mkdtempSync(join(tmpdir(), 'fanout-demo-vsix-')), 'fanout.vsix');
execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'ignore' });
const { startDemoEmulators, DEMO_KEYS } = require(join(ROOT, 'out/test/emulators/demo.js'));
const emulators = await startDemoEmulators();
const deployments = emulators.deployments.filter((deployment) => deployment.provider !== 'vertex' && deployment.provider !== 'vertex-openai'); // Vertex needs a Google sign-in
const server = await startCodeServer({ vsix, settings: { 'fanout.deployments': deployments }, port: Number(process.env.FANOUT_DEMO_PORT ?? 8080) });
console.log(`
Fanout demo editor: ${server.url}/?folder=${encodeURIComponent(server.workspace)}

In the command palette (F1):
  Fanout: Set API Key   — the demo keys (fakes the emulators accept):
      OpenAI ${DEMO_KEYS.OPENAI_API_KEY}   Azure OpenAI ${DEMO_KEYS.AZURE_OPENAI_API_KEY}
      Amazon Bedrock ${DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK}   Gemini API ${DEMO_KEYS.GEMINI_API_KEY}
  Fanout: Compare Prompt Across Deployments
The local "ollama-llama" deployment needs no key. Ctrl+C stops the editor and the emulators.`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.stop();
  await emulators.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
