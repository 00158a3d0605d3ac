/** Starts and talks to the emulator child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BehaviourRules } from '../test/emulators/behaviour';

export interface Peer {
  urls: { openai: string; bedrock: string; google: string };
  /** Arrival times (epoch ms) of requests since the last `clearArrivals`. */
  arrivals: Array<{ path: string; at: number }>;
  setRules(rules: BehaviourRules): Promise<void>;
  stop(): Promise<void>;
}

export async function startPeer(): Promise<Peer> {
  const child: ChildProcess = fork(join(__dirname, 'emulatorProcess.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrivals: Peer['arrivals'] = [];
  let waiting: (() => void) | null = null;
  const urls = await new Promise<Peer['urls']>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: { type: string; path?: string; at?: number } & Partial<Peer['urls']>) => {
      if (message.type === 'ready') resolve({ openai: message.openai!, bedrock: message.bedrock!, google: message.google! });
      else if (message.type === 'request') arrivals.push({ path: message.path!, at: message.at! });
      else if (message.type === 'rules-set') waiting?.();
    });
  });
  return {
    urls,
    arrivals,
    setRules: (rules) => new Promise<void>((resolve) => {
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
