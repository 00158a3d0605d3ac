/**
 * The benchmark's network peer: every emulator in a child process of its own, so the servers never share
 * an event loop with the client being measured. Reports each request's arrival (epoch ms, high resolution).
 */
import type { BehaviourRules } from '../test/emulators/behaviour';
import { BedrockEmulator } from '../test/emulators/bedrock';
import { GoogleEmulator } from '../test/emulators/google';
import { OpenAIEmulator } from '../test/emulators/openai';
import { BENCH_KEYS } from './keys';

const epoch = (): number => performance.timeOrigin + performance.now();

async function serve(): Promise<void> {
  const openai = await new OpenAIEmulator({ apiKeys: [BENCH_KEYS.openai], azureKeys: [BENCH_KEYS.azure], azureDeployments: { bench: 'gpt-4o' } }).start();
  const bedrock = await new BedrockEmulator({ keys: [BENCH_KEYS.aws] }).start();
  const google = await new GoogleEmulator({ apiKeys: [BENCH_KEYS.gemini] }).start();
  const all = [openai, bedrock, google];
  for (const emulator of all) {
    const requests = emulator.server.requests;
    const push = requests.push.bind(requests);
    requests.push = (...items) => {
      for (const item of items) process.send?.({ type: 'request', path: item.path, at: epoch() });
      return push(...items);
    };
  }
  process.on('message', (message: { type: 'rules'; rules: BehaviourRules } | { type: 'stop' }) => {
    if (message.type === 'rules') {
      for (const emulator of all) emulator.behaviour.reset(message.rules);
      process.send?.({ type: 'rules-set' });
    } else {
      void Promise.all(all.map((emulator) => emulator.stop())).then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', openai: openai.url, bedrock: bedrock.url, google: google.url });
}

void serve();
