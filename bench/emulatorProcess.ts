/**
 * The benchmark's network peer: every emulator in a child process of its own, so the servers never share
 * an event loop with the client being measured. Reports each request's arrival (epoch ms, high resolution).
 */
import * as http from 'node:http';
import type { BehaviourRules } from '../test/emulators/behaviour';
import { BedrockEmulator } from '../test/emulators/bedrock';
import { GoogleEmulator } from '../test/emulators/google';
import { OpenAIEmulator } from '../test/emulators/openai';
import type { TlsIdentity } from '../test/emulators/server';
import { BENCH_KEYS } from './keys';

const epoch = (): number => performance.timeOrigin + performance.now();

/**
 * The moment each load-test stream's first content bytes are written (figure 9: ttft under load, against the sender).
 * Only models named load-N are watched, so the other figures pay nothing for it.
 */
function reportFirstContentWrites(): void {
  const sent = new Set<string>();
  const write = http.ServerResponse.prototype.write;
  http.ServerResponse.prototype.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    const at = epoch();
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
      const match = /"model":"(load-\d+)"[^\n]*?"content":"[^"]/.exec(chunk.toString());
      if (match && !sent.has(`${match[1]}:${(this.req as { url?: string }).url}:${this.req.socket.remotePort}`)) {
        sent.add(`${match[1]}:${(this.req as { url?: string }).url}:${this.req.socket.remotePort}`);
        process.send?.({ type: 'first-content', model: match[1], at });
      }
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  process.on('message', (message: { type: string }) => message.type === 'rules' && sent.clear());
}

async function serve(): Promise<void> {
  reportFirstContentWrites();
  // FANOUT_BENCH_TLS: a certificate and key (JSON) to serve HTTPS with, for the warm/cold connection figures
  const tls = process.env.FANOUT_BENCH_TLS ? JSON.parse(process.env.FANOUT_BENCH_TLS) as TlsIdentity : null;
  const secure = <T extends { secure(identity: TlsIdentity): T }>(emulator: T): T => (tls ? emulator.secure(tls) : emulator);
  const openai = await secure(new OpenAIEmulator({ apiKeys: [BENCH_KEYS.openai], azureKeys: [BENCH_KEYS.azure], azureDeployments: { bench: 'gpt-4o' } })).start();
  const bedrock = await secure(new BedrockEmulator({ keys: [BENCH_KEYS.aws] })).start();
  const google = await secure(new GoogleEmulator({ apiKeys: [BENCH_KEYS.gemini] })).start();
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
