/**
 * `npm run emulators`: every cloud's emulator on loopback until Ctrl+C, with a config file and the
 * environment to point `fanout` (or any tool) at them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_KEYS, startDemoEmulators } from './demo';

async function standalone(): Promise<void> {
  const base = Number(process.env.FANOUT_EMULATOR_PORT ?? 4010);
  const emulators = await startDemoEmulators({ openai: base, local: base + 1, bedrock: base + 2, google: base + 3 });
  const dir = resolve('.cache');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'emulators.fanout.json');
  writeFileSync(config, `${JSON.stringify({ deployments: emulators.deployments }, null, 2)}\n`);
  const lines = [
    'Fanout emulators on 127.0.0.1 (Ctrl+C stops them):',
    `  OpenAI + Azure OpenAI  ${emulators.openai.url}`,
    `  OpenAI-compatible      ${emulators.local.url} (no key)`,
    `  Amazon Bedrock         ${emulators.bedrock.url} (HTTP/1.1 and HTTP/2, SigV4 checked)`,
    `  Gemini API + Vertex    ${emulators.google.url}`,
    '',
    `Config: ${config}`,
    'Environment:',
    ...Object.entries(DEMO_KEYS).map(([name, value]) => `  export ${name}=${value}`),
    '',
    `Try: node bin/fanout.js run --config ${config} --prompt "Hello"`,
  ];
  console.log(lines.join('\n'));
  const stop = (): void => {
    void emulators.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void standalone();
