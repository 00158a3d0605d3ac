/**
 * Figure 8, warm and cold connections on a TLS loopback emulator (its own process, a private CA made for the run):
 * - cold: every kept client closed first, so the call pays DNS ("localhost"), TCP and TLS; warm: the next call, on the
 *   kept client's connection. The drop in ttft from cold to warm is set against the set-up the cold call reported.
 * - per-call overhead: Fanout's warm calls against the same calls through a warm official SDK client (same fetch, same
 *   kind of connection), in alternating batches: this process's CPU time per call (the target; a loaded machine stretches
 *   wall time far more than 1 ms either way) and wall time per call.
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
  /** Fanout's warm call minus a raw warm SDK call, wall time per call (batches of BATCH). */
  overheadMs: Figure;
  /** The same, this process's CPU time per call. */
  cpuOverheadMs: Figure;
  fanoutWarmMs: Figure;
  rawWarmMs: Figure;
}

const BATCH = 10;
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
    const fanoutWarm: number[] = [], rawWarm: number[] = [], overhead: number[] = [], cpuOverhead: number[] = [];
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
    }
    // per-call overhead, both warm: batches of calls through Fanout (kept client) and through a kept raw client over the
    // same fetch, alternating; CPU time per call (what a busy machine cannot blur) and wall time per call
    for (let batch = 0; batch < repeats * 2; batch++) {
      const measure = async (call: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> => {
        await turn();
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (let k = 0; k < BATCH; k++) {
          await call();
          await turn();
        }
        const used = process.cpuUsage(cpu);
        return { cpuMs: (used.user + used.system) / 1000 / BATCH, wallMs: (performance.now() - started) / BATCH };
      };
      const fanoutSide = (): Promise<{ cpuMs: number; wallMs: number }> => measure(() => one());
      const rawSide = (): Promise<{ cpuMs: number; wallMs: number }> => measure(rawCall);
      let f: { cpuMs: number; wallMs: number };
      let r: { cpuMs: number; wallMs: number };
      if (batch % 2) {
        f = await fanoutSide();
        r = await rawSide();
      } else {
        r = await rawSide();
        f = await fanoutSide();
      }
      fanoutWarm.push(f.wallMs);
      rawWarm.push(r.wallMs);
      overhead.push(f.wallMs - r.wallMs);
      cpuOverhead.push(f.cpuMs - r.cpuMs);
    }
    return {
      coldTtftMs: figure(cold), warmTtftMs: figure(warm), dropMs: figure(drop), coldSetUpMs: figure(setUp),
      warmConnections: [...new Set(connections)], overheadMs: figure(overhead), cpuOverheadMs: figure(cpuOverhead), fanoutWarmMs: figure(fanoutWarm), rawWarmMs: figure(rawWarm),
    };
  } finally {
    closeConnections();
    await peer.stop();
    ca.remove();
  }
}
