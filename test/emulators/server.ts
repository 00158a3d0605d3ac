/**
 * A loopback HTTP server for emulators: records every request, tracks open sockets (so tests can assert
 * that a cancel closed them), and optionally speaks cleartext HTTP/2 with prior knowledge beside HTTP/1.1
 * on the same port, as Bedrock's SDK does by default.
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { delayBefore, sleep, type Behaviour } from './behaviour';
import { Duplex } from 'node:stream';

export type EmulatorRequest = (http.IncomingMessage | http2.Http2ServerRequest) & { rawBody?: Buffer };
export type EmulatorResponse = http.ServerResponse | http2.Http2ServerResponse;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  httpVersion: string;
  /** The client's port: tells a request that came through a proxy's tunnel from a direct one. */
  remotePort?: number;
  /** When the response ended or its connection closed (ms since the server started), for cancel tests. */
  closedAt?: number;
  startedAt: number;
}

export type Handler = (request: EmulatorRequest, response: EmulatorResponse, body: Buffer, record: RecordedRequest) => Promise<void> | void;

export interface StartOptions {
  /** Accept HTTP/2 with prior knowledge (h2c) as well as HTTP/1.1. */
  http2?: boolean;
  port?: number;
}

/** A certificate and its key, PEM: the server then speaks TLS (HTTP/2 and HTTP/1.1 by ALPN) on its port. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly streams = new Set<http2.ServerHttp2Stream>();
  private readonly front: net.Server;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server | null;
  private secureServer: http2.Http2SecureServer | null = null;
  private rejected = 0;
  private readonly t0 = performance.now();
  port = 0;

  constructor(private readonly handler: Handler, private readonly options: StartOptions = {}) {
    const onRequest = (request: EmulatorRequest, response: EmulatorResponse): void => void this.dispatch(request, response);
    this.h1 = http.createServer({ keepAliveTimeout: 5000 }, onRequest);
    this.h2 = options.http2 ? http2.createServer({}, onRequest) : null;
    this.h2?.on('stream', (stream) => {
      this.streams.add(stream);
      stream.on('close', () => this.streams.delete(stream));
    });
    this.front = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      if (this.secureServer) {
        this.secureServer.emit('connection', socket);
        return;
      }
      if (!this.h2) {
        this.h1.emit('connection', socket);
        return;
      }
      socket.once('data', (first) => {
        if (first.subarray(0, 3).toString('latin1') === 'PRI') {
          // http2 reads from the socket's native handle, which has already given these bytes away:
          // hand it a JS stream that replays them, then carries the rest.
          this.h2!.emit('connection', replaying(socket, first));
          return;
        }
        socket.pause();
        socket.unshift(first);
        this.h1.emit('connection', socket);
        socket.resume();
      });
    });
  }

  /** Speak TLS with this identity (call before start): HTTP/2 or HTTP/1.1 as the client's ALPN asks. */
  secure(identity: TlsIdentity): this {
    const onRequest = (request: EmulatorRequest, response: EmulatorResponse): void => void this.dispatch(request, response);
    this.secureServer = http2.createSecureServer({ key: identity.key, cert: identity.cert, allowHTTP1: true }, onRequest);
    this.secureServer.on('stream', (stream) => {
      this.streams.add(stream);
      stream.on('close', () => this.streams.delete(stream));
    });
    // a client that rejects the certificate closes the handshake: that is the point of the test, not an error here
    this.secureServer.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => {
      this.rejected++;
      socket.destroy();
    });
    return this;
  }

  get tlsHandshakesRejected(): number {
    return this.rejected;
  }

  async start(port = this.options.port ?? 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.front.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `${this.secureServer ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Open TCP connections (HTTP/2 streams are counted apart: `openStreams`). */
  get openSockets(): number {
    return this.sockets.size;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Requests whose response is still being written (neither ended nor closed by the client). */
  get inFlight(): number {
    return this.requests.filter((request) => request.closedAt === undefined).length;
  }

  now(): number {
    return performance.now() - this.t0;
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.close(http2.constants.NGHTTP2_CANCEL);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
    this.h1.close();
    this.h2?.close();
    this.secureServer?.close();
  }

  private async dispatch(request: EmulatorRequest, response: EmulatorResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers,
      body: body.toString('utf8'),
      httpVersion: request.httpVersion,
      startedAt: this.now(),
      ...(request.socket?.remotePort ? { remotePort: request.socket.remotePort } : {}),
    };
    this.requests.push(record);
    const markClosed = (): void => {
      record.closedAt ??= this.now();
    };
    response.on('close', markClosed);
    response.on('finish', markClosed);
    try {
      await this.handler(request, response, body, record);
    } catch (error) {
      if (!response.headersSent) {
        head(response, 500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `emulator failure: ${(error as Error).message}` } }));
      } else {
        response.destroy();
      }
    }
  }
}

/** Writes `text` unless the client has gone; resolves false when it has. */
export function write(response: EmulatorResponse, chunk: string | Uint8Array): boolean {
  if (response.destroyed || response.writableEnded) return false;
  (response as http.ServerResponse).write(chunk);
  return true;
}

/** Cuts the connection with no proper end: a reset (HTTP/1.1) or a stream reset (HTTP/2). */
export function drop(response: EmulatorResponse): void {
  if ('stream' in response && response.stream) {
    response.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  (response as http.ServerResponse).socket?.destroy();
}

/** Resolves when the client has closed the response (cancel), for stalls that wait to be cut. */
export function untilClosed(response: EmulatorResponse): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise((resolve) => response.once('close', () => resolve()));
}

export function sendJson(response: EmulatorResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  head(response, status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Sends the status and headers (HTTP/1.1 and HTTP/2 responses alike). */
export function head(response: EmulatorResponse, status: number, headers: Record<string, string>): void {
  (response as http.ServerResponse).writeHead(status, headers);
}

/** A duplex over `socket` whose readable side starts with `first` (bytes already read from the socket). */
function replaying(socket: net.Socket, first: Buffer): Duplex {
  const wrapper = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  wrapper.push(first);
  socket.on('data', (chunk) => {
    if (!wrapper.push(chunk)) socket.pause();
  });
  socket.on('end', () => wrapper.push(null));
  socket.on('close', () => wrapper.destroy());
  return wrapper;
}

/** What every cloud emulator shares: its fault knobs, its loopback server, start, stop and address. */
export abstract class Emulator {
  abstract readonly server: LoopbackServer;

  async start(port?: number): Promise<this> {
    await this.server.start(port);
    return this;
  }

  /** Serve over TLS with this certificate (call before start). */
  secure(identity: TlsIdentity): this {
    this.server.secure(identity);
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }
}

/** How one cloud writes a token, an in-stream error and a malformed frame on its own wire. */
export interface TokenWire {
  token(text: string): string | Uint8Array;
  streamError(): string | Uint8Array;
  malformed(): string | Uint8Array;
}

/**
 * Sends the tokens at the behaviour's pace and injects its fault, in the same order on every cloud: wait the
 * token's interval, then drop / stall / in-stream error / malformed frame if it is due, else the token.
 * Resolves true when the answer may be finished (the caller writes its cloud's ending), false when a fault ended it.
 */
export async function streamTokens(response: EmulatorResponse, tokens: readonly string[], behaviour: Behaviour, wire: TokenWire): Promise<boolean> {
  for (let index = 0; index < tokens.length; index++) {
    const wait = delayBefore(index, behaviour);
    if (wait > 0) await sleep(wait);
    if (index === behaviour.dropAfterTokens) {
      drop(response);
      return false;
    }
    if (index === behaviour.stallAfterTokens) {
      await untilClosed(response);
      return false;
    }
    if (index === behaviour.streamErrorAfterTokens || index === behaviour.malformedAfterTokens) {
      write(response, index === behaviour.streamErrorAfterTokens ? wire.streamError() : wire.malformed());
      response.end();
      return false;
    }
    if (!write(response, wire.token(tokens[index]!))) return false;
  }
  if (behaviour.stallAfterTokens === tokens.length) {
    await untilClosed(response);
    return false;
  }
  if (behaviour.dropAfterTokens === tokens.length) {
    drop(response);
    return false;
  }
  return true;
}
