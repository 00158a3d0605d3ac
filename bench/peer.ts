/** Starts and talks to the emulator child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BehaviourRules } from '../test/emulators/behaviour';

export interface Peer {
  urls: { openai: string; bedrock: string; google: string };
  /** Arrival times (epoch ms) of requests since the last `clearArrivals`. */
  arrivals: Array<{ path: string; at: number }>;
  /** When the emulator wrote the first content bytes of each load-N model's stream (epoch ms), since the last rules. */
  firstContent: Map<string, number>;
  setRules(rules: BehaviourRules): Promise<void>;
  stop(): Promise<void>;
}

/** With `tls`, every emulator serves HTTPS with that certificate (HTTP/2 or HTTP/1.1 by ALPN). */
export async function startPeer(options: { tls?: { key: string; cert: string } } = {}): Promise<Peer> {
  const env = { ...process.env, ...(options.tls ? { FANOUT_BENCH_TLS: JSON.stringify(options.tls) } : {}) };
  const child: ChildProcess = fork(join(__dirname, 'emulatorProcess.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  const arrivals: Peer['arrivals'] = [];
  const firstContent: Peer['firstContent'] = new Map();
  let waiting: (() => void) | null = null;
  const urls = await new Promise<Peer['urls']>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: { type: string; path?: string; at?: number } & Partial<Peer['urls']>) => {
      if (message.type === 'ready') resolve({ openai: message.openai!, bedrock: message.bedrock!, google: message.google! });
      else if (message.type === 'request') arrivals.push({ path: message.path!, at: message.at! });
      else if (message.type === 'rules-set') waiting?.();
      else if (message.type === 'first-content') firstContent.set((message as { model?: string }).model!, message.at!);
    });
  });
  return {
    urls,
    arrivals,
    firstContent,
    setRules: (rules) => new Promise<void>((resolve) => {
      firstContent.clear();
      waiting = resolve;
      child.send({ type: 'rules', rules });
    }),
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }),
  };
}
