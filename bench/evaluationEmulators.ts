/**
 * The eval bench's peer: the emulators in a child process of their own (as bench/emulatorProcess.ts), sending
 * nothing per request; asked, it reports each deployment's request count and the most requests it had open at once,
 * measured from each request's arrival and end on the emulator.
 */
import type { RecordedRequest } from '../test/emulators/server';
import { BedrockEmulator } from '../test/emulators/bedrock';
import { GoogleEmulator } from '../test/emulators/google';
import { OpenAIEmulator } from '../test/emulators/openai';
import { BENCH_KEYS } from './keys';

export interface InFlightReport {
  [deployment: string]: { requests: number; maxInFlight: number };
}

function maxOverlap(requests: readonly RecordedRequest[]): number {
  const edges: Array<[number, number]> = [];
  for (const request of requests) edges.push([request.startedAt, 1], [request.closedAt ?? Infinity, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (open += change));
  return most;
}

async function serve(): Promise<void> {
  const openai = await new OpenAIEmulator({ apiKeys: [BENCH_KEYS.openai], azureKeys: [BENCH_KEYS.azure], azureDeployments: { bench: 'gpt-4o' } }).start();
  const bedrock = await new BedrockEmulator({ keys: [BENCH_KEYS.aws] }).start();
  const google = await new GoogleEmulator({ apiKeys: [BENCH_KEYS.gemini] }).start();
  const all = [openai, bedrock, google];
  for (const emulator of all) emulator.behaviour.reset({ default: { tokens: 3 } });
  process.on('message', (message: { type: 'report' | 'stop' }) => {
    if (message.type === 'report') {
      const byDeployment = {
        openai: openai.server.requests.filter((request) => request.path.startsWith('/v1/')),
        azure: openai.server.requests.filter((request) => request.path.startsWith('/openai/')),
        bedrock: bedrock.server.requests,
        gemini: google.server.requests,
      };
      const report: InFlightReport = Object.fromEntries(Object.entries(byDeployment).map(([id, requests]) => [id, { requests: requests.length, maxInFlight: maxOverlap(requests) }]));
      process.send?.({ type: 'report', report });
    } else {
      void Promise.all(all.map((emulator) => emulator.stop())).then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', openai: openai.url, bedrock: bedrock.url, google: google.url });
}

void serve();
