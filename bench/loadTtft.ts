/**
 * Figure 9, ttft under load: N OpenAI streams at once from this process (each its own model name, which the emulator
 * echoes in every chunk). For each stream, the moment its first content bytes arrive on the socket (Node hands them to
 * the socket's stream: `push`, before any HTTP, SSE or SDK parsing) against the moment Fanout reports its first token.
 */
import * as diagnostics from 'node:diagnostics_channel';
import type * as net from 'node:net';
import type { Deployment } from '../src/core/config/deployment';
import type { CredentialResolver } from '../src/core/security/credential';
import { runFanout } from '../src/core/engine/fanout';
import type { ChatRequest } from '../src/core/request/stream';
import { loadAdapter } from '../src/providers/registry';
import { BENCH_KEYS } from './keys';
import type { BehaviourRules } from '../test/emulators/behaviour';
import type { Peer } from './peer';
import { figure, type Figure } from './stats';

export interface LoadTtftRow {
  n: number;
  /** Reported first token minus its bytes' arrival on the socket, every stream of every round. */
  lateMs: Figure;
  p95LateMs: number;
  /** Reported first token minus the moment the emulator (its own process) wrote those bytes: adds the wait for this busy event loop. */
  sinceSentMs: Figure;
  p95SinceSentMs: number;
}

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'Say hello to every cloud.' }], params: {} };
const credentials: CredentialResolver = { resolve: async () => ({ ok: true, credential: { type: 'api-key', key: BENCH_KEYS.openai, source: 'bench' } }) };

/** model name → when its first content bytes were handed to a socket in this process. */
const arrivals = new Map<string, number>();
let watching = false;

function watchSockets(): void {
  if (watching) return;
  watching = true;
  diagnostics.subscribe('net.client.socket', (message) => {
    const socket = (message as { socket: net.Socket & { push(chunk: unknown, encoding?: BufferEncoding): boolean } }).socket;
    const push = socket.push.bind(socket);
    socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (Buffer.isBuffer(chunk)) {
        const at = performance.now();
        const text = chunk.toString('latin1');
        for (const match of text.matchAll(/"model":"(load-\d+)"[^\n]*?"content":"[^"]/g)) if (!arrivals.has(match[1]!)) arrivals.set(match[1]!, at);
      }
      return push(chunk, encoding);
    };
  });
}

export async function loadTtft(peer: Peer, n: number, rounds: number, rules: BehaviourRules): Promise<LoadTtftRow> {
  watchSockets();
  const deployments: Deployment[] = Array.from({ length: n }, (_, i) => ({ id: `load-${i}`, provider: 'openai', model: `load-${i}`, baseUrl: `${peer.urls.openai.replace('127.0.0.1', 'localhost')}/v1` }));
  // by name: the connections the other figures left in Node's fetch pool (to 127.0.0.1) are not these, and every socket here is watched
  const late: number[] = [];
  const sinceSent: number[] = [];
  for (let round = -1; round < rounds; round++) {
    await peer.setRules(rules);
    arrivals.clear();
    const reported = new Map<string, number>();
    const results = await runFanout(REQUEST, deployments, {
      loadAdapter, credentials,
      onEvent: (event) => {
        if (event.type === 'part' && event.part.type === 'text-delta' && !reported.has(event.deployment)) reported.set(event.deployment, performance.now());
      },
    });
    const failed = results.find((result) => result.status !== 'ok');
    if (failed) throw new Error(`load run failed: ${failed.error?.message}`);
    if (round < 0) continue; // warm-up: module loading and first connections
    for (const deployment of deployments) {
      const arrived = arrivals.get(deployment.model);
      const shown = reported.get(deployment.id);
      const sent = peer.firstContent.get(deployment.model);
      if (arrived !== undefined && shown !== undefined) late.push(shown - arrived);
      if (sent !== undefined && shown !== undefined) sinceSent.push(performance.timeOrigin + shown - sent);
    }
  }
  const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? NaN;
  return { n, lateMs: figure(late), p95LateMs: p95(late), sinceSentMs: figure(sinceSent), p95SinceSentMs: p95(sinceSent) };
}
