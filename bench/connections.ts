/**
 * Figure 8, warm and cold connections on a TLS loopback emulator (its own process, a private CA made for the run):
 * - cold: every kept client closed first, so the call pays DNS ("localhost"), TCP and TLS; warm: the next call, on the
 *   kept client's connection. The drop in ttft from cold to warm is set against the set-up the cold call reported.
 * - per-call overhead: Fanout's wall time for one warm call minus the same call through a warm official SDK client
 *   (same fetch, same connection pool), alternating which goes first.
 */
import OpenAI from 'openai';
import type { Deployment } from '../src/core/config/deployment';
import type { CredentialResolver } from '../src/core/security/credential';
import type { TransportOptions } from '../src/core/engine/adapter';
import { runFanout } from '../src/core/engine/fanout';
import type { ChatRequest } from '../src/core/request/stream';
import { closeConnections, loadAdapter } from '../src/providers/registry';
import { fetchFor } from '../src/providers/transport/network';
import { makePrivateCa } from '../test/support/tls';
import { BENCH_KEYS } from './keys';
import { startPeer } from './peer';
import { figure, type Figure } from './stats';

export interface ConnectionFigures {
  coldTtftMs: Figure;
  warmTtftMs: Figure;
  /** Cold ttft minus the warm ttft after it, each pair. */
  dropMs: Figure;
  /** DNS + connect + TLS as the cold call reported them. */
  coldSetUpMs: Figure;
  warmConnections: string[];
  /** Fanout's warm call minus a raw warm SDK call, wall time. */
  overheadMs: Figure;
  fanoutWarmMs: Figure;
  rawWarmMs: Figure;
}

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'Say hello to every cloud.' }], params: {} };
const credentials: CredentialResolver = { resolve: async () => ({ ok: true, credential: { type: 'api-key', key: BENCH_KEYS.openai, source: 'bench' } }) };

export async function connectionFigures(repeats: number): Promise<ConnectionFigures> {
  const ca = makePrivateCa();
  const peer = await startPeer({ tls: { key: ca.key, cert: ca.cert } });
  try {
    await peer.setRules({ default: { firstTokenDelayMs: 20, tokens: 3, tokensPerSecond: 1000 } });
    const baseURL = `${peer.urls.openai.replace('127.0.0.1', 'localhost')}/v1`;
    const deployment: Deployment = { id: 'tls-openai', provider: 'openai', model: 'gpt-4o-mini', baseUrl: baseURL };
    const network = { extraCa: { pem: ca.caPem, file: ca.caFile } };
    const transport: TransportOptions = { network };
    const one = async () => {
      const started = performance.now();
      const [result] = await runFanout(REQUEST, [deployment], { loadAdapter, credentials, transport });
      if (result!.status !== 'ok') throw new Error(`bench call failed: ${result!.error?.message}`);
      return { result: result!, wallMs: performance.now() - started };
    };
    // made again after each closeConnections (which closes the dispatcher it shares), and warmed before it is timed
    const makeRaw = (): OpenAI => new OpenAI({ apiKey: BENCH_KEYS.openai, baseURL, maxRetries: 0, fetch: fetchFor(network, baseURL) });
    let raw = makeRaw();
    const rawCall = async (): Promise<number> => {
      const started = performance.now();
      const stream = await raw.chat.completions.create({ model: deployment.model, messages: [{ role: 'user', content: 'Say hello to every cloud.' }], stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) void chunk;
      return performance.now() - started;
    };
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await one();
    await rawCall();
    const cold: number[] = [], warm: number[] = [], drop: number[] = [], setUp: number[] = [], connections: string[] = [];
    const fanoutWarm: number[] = [], rawWarm: number[] = [], overhead: number[] = [];
    for (let i = 0; i < repeats; i++) {
      closeConnections();
      const first = (await one()).result;
      await turn();
      const second = (await one()).result;
      const phases = first.metrics.phases!;
      cold.push(first.metrics.ttftMs!);
      warm.push(second.metrics.ttftMs!);
      drop.push(first.metrics.ttftMs! - second.metrics.ttftMs!);
      setUp.push((phases.dnsMs ?? 0) + (phases.connectMs ?? 0) + (phases.tlsMs ?? 0));
      connections.push(`${first.metrics.connection}→${second.metrics.connection}`);
      raw = makeRaw();
      await rawCall();
      // per-call overhead, both warm: Fanout's kept client and a kept raw client over the same kind of connection
      for (let k = 0; k < 3; k++) {
        await turn();
        let fanoutMs: number;
        let rawMs: number;
        if ((i + k) % 2) {
          fanoutMs = (await one()).wallMs;
          await turn();
          rawMs = await rawCall();
        } else {
          rawMs = await rawCall();
          await turn();
          fanoutMs = (await one()).wallMs;
        }
        fanoutWarm.push(fanoutMs);
        rawWarm.push(rawMs);
        overhead.push(fanoutMs - rawMs);
      }
    }
    return {
      coldTtftMs: figure(cold), warmTtftMs: figure(warm), dropMs: figure(drop), coldSetUpMs: figure(setUp),
      warmConnections: [...new Set(connections)], overheadMs: figure(overhead), fanoutWarmMs: figure(fanoutWarm), rawWarmMs: figure(rawWarm),
    };
  } finally {
    closeConnections();
    await peer.stop();
    ca.remove();
  }
}
