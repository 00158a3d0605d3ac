/**
 * Latency phases from each transport's own events, attributed to the call that caused them.
 *
 * Attribution: every adapter's stream runs inside an AsyncLocalStorage holding that attempt's CallTrace (`traced`), so
 * each request the SDK makes is created in the call's async context: undici (Node's fetch: openai, @google/genai)
 * publishes `undici:request:create` there, Node's http client `http.client.request.start` (Bedrock over HTTP/1.1,
 * through a proxy too) and Node's http2 `http2.client.stream.created` (Bedrock's default handler). No header or marker
 * goes on the wire.
 *
 * Set-up: Node publishes every client socket it makes on `net.client.socket` before it connects (plain or TLS, from
 * undici, http, https or http2); its own `lookup`, `connect` and `secureConnect` events time DNS, TCP and TLS. A request
 * that goes out on a socket that carried none before is the one that paid for it ("new"); one on a socket that did is
 * "reused", with no set-up. An HTTP/2 stream opened on a session that is still connecting waited for that set-up too,
 * so it is "new" with the same spans.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type * as net from 'node:net';
import type { CallTrace } from '../../core/engine/callTrace';

const current = new AsyncLocalStorage<CallTrace>();

/** The stream with every step run in the trace's context, so the SDK's requests are attributed to this call. */
export function traced<T>(trace: CallTrace | undefined, stream: AsyncIterable<T>): AsyncIterable<T> {
  if (!trace) return stream;
  listen();
  return {
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]();
      return {
        // once the request has gone out (its connection claimed), its events find the trace through the request itself
        next: () => (trace.connection === null ? current.run(trace, () => iterator.next()) : iterator.next()),
        return: (value?: unknown) => current.run(trace, () => iterator.return?.(value as T) ?? Promise.resolve({ done: true as const, value: undefined as T })),
      };
    },
  };
}

/** One client socket's set-up, on performance.now()'s scale. */
interface SetUp {
  start: number;
  lookupAt: number | null;
  connectAt: number | null;
  secureAt: number | null;
  encrypted: boolean;
  /** Whether a request has gone out on it already. */
  carried: boolean;
}

const setUps = new WeakMap<object, SetUp>();
/** HTTP/2 sessions only show their socket through a proxy object: their set-up is found by local port once connected. */
const byLocalPort = new Map<number, SetUp>();
const undiciRequests = new WeakMap<object, CallTrace>();
const sessionsUsed = new WeakSet<object>();

function watchSocket(socket: net.Socket): void {
  const setUp: SetUp = { start: performance.now(), lookupAt: null, connectAt: null, secureAt: null, encrypted: 'encrypted' in socket, carried: false };
  setUps.set(socket, setUp);
  socket.once('lookup', () => (setUp.lookupAt = performance.now()));
  socket.once('connect', () => {
    setUp.connectAt = performance.now();
    const port = socket.localPort;
    if (port === undefined) return;
    byLocalPort.set(port, setUp);
    socket.once('close', () => byLocalPort.get(port) === setUp && byLocalPort.delete(port));
  });
  socket.once('secureConnect', () => (setUp.secureAt = performance.now()));
}

/** The trace's connection from this socket's set-up: new (with its spans) for the request that opened it, else reused. */
function claim(trace: CallTrace, setUp: SetUp | undefined, shared = false): void {
  if (!setUp || (setUp.carried && !shared)) {
    trace.connection = 'reused';
    trace.leftAt = trace.now();
    return;
  }
  setUp.carried = true;
  trace.connection = 'new';
  trace.leftAt = setUp.start + (trace.now() - performance.now());
  // the spans are read when the phases are built: the handshake may still be under way (an HTTP/2 session, a kept socket's peer)
  trace.settle = () => {
    const { start, lookupAt, connectAt, secureAt } = setUp;
    trace.dnsMs = lookupAt === null ? null : lookupAt - start;
    trace.connectMs = connectAt === null ? null : connectAt - (lookupAt ?? start);
    trace.tlsMs = setUp.encrypted && secureAt !== null && connectAt !== null ? secureAt - connectAt : null;
  };
}

let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  diagnostics.subscribe('net.client.socket', (message) => watchSocket((message as { socket: net.Socket }).socket));
  // undici: the request is made in the call's context; it names its socket once it is written
  diagnostics.subscribe('undici:request:create', (message) => {
    const trace = current.getStore();
    if (trace) undiciRequests.set((message as { request: object }).request, trace);
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: object; socket: net.Socket };
    const trace = undiciRequests.get(request);
    if (trace) claim(trace, setUps.get(socket));
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    const trace = undiciRequests.get((message as { request: object }).request);
    if (trace) trace.headersAt = trace.now();
  });
  // Node's http client (Bedrock over HTTP/1.1, tunnelled through a proxy or direct)
  diagnostics.subscribe('http.client.request.start', (message) => {
    const trace = current.getStore();
    if (!trace) return;
    const request = (message as { request: http.ClientRequest }).request;
    const onSocket = (socket: net.Socket): void => claim(trace, setUps.get(socket));
    if (request.socket) onSocket(request.socket);
    else request.once('socket', onSocket);
    request.once('response', () => (trace.headersAt = trace.now()));
  });
  // Node's http2 client (Bedrock's default handler): a stream on a session
  diagnostics.subscribe('http2.client.stream.created', (message) => {
    const trace = current.getStore();
    if (!trace) return;
    const stream = (message as { stream: http2.ClientHttp2Stream }).stream;
    const session = stream.session;
    stream.once('response', () => (trace.headersAt = trace.now()));
    if (!session) return;
    const first = !sessionsUsed.has(session);
    sessionsUsed.add(session);
    if (!session.connecting) {
      claim(trace, first ? byLocalPort.get(session.socket.localPort ?? -1) : undefined);
      return;
    }
    // still connecting: this stream waits for the set-up (the first, and any opened beside it before the handshake ends)
    trace.connection = 'new';
    trace.leftAt = trace.now();
    session.once('connect', () => {
      const setUp = byLocalPort.get(session.socket.localPort ?? -1);
      if (setUp) claim(trace, setUp, true);
    });
  });
}
