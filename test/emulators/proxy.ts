/**
 * A corporate HTTP proxy on loopback: CONNECT tunnels (how HTTPS and most SDKs go through a proxy) and
 * absolute-form requests (plain HTTP), an optional Proxy-Authorization it insists on (407 otherwise),
 * and a record of every target asked for. It only ever connects to 127.0.0.1: any other target gets 502,
 * so a test can never send traffic off the machine through it.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LoopbackServer } from './server';

export interface ProxyOptions {
  /** When set, requests without exactly this Proxy-Authorization value get 407. */
  requireAuthorization?: string;
}

export interface ProxiedRequest {
  kind: 'connect' | 'forward';
  /** host:port as the client asked for it. */
  target: string;
  authorized: boolean;
  status: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export class TestProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Local ports of the connections it opened to targets: a request that arrives from one of them came through here. */
  /** The proxy's own connections to the servers, as "localPort>serverPort": a request that came over one came through it. */
  readonly upstreams = new Set<string>();
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly options: ProxyOptions = {}) {
    this.server = http.createServer((request, response) => this.forward(request, response));
    this.server.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.tunnel(request, socket, head));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * How the requests `servers` received (GCE metadata look-ups aside) reached them: through this proxy's connections
   * (kept-alive tunnels included) or directly, and the ports of the servers reached directly.
   */
  routes(servers: LoopbackServer[]): { through: number; direct: number; directPorts: number[] } {
    const requests = servers.flatMap((server) => server.requests.filter((r) => !r.path.includes('computeMetadata')).map((r) => ({ ...r, server: server.port })));
    const direct = requests.filter((r) => !(r.remotePort && this.upstreams.has(`${r.remotePort}>${r.server}`)));
    return { through: requests.length - direct.length, direct: direct.length, directPorts: [...new Set(direct.map((r) => r.server))] };
  }

  /**
   * Forgets what it proxied, its upstream connections too: the system reuses ephemeral ports, so a later direct
   * connection could otherwise look like an old upstream one.
   */
  reset(): void {
    this.requests.length = 0;
    this.upstreams.clear();
    // a tunnel or kept-alive socket still open carries the next requests too
    for (const socket of this.openUpstreams) this.upstreams.add(`${socket.localPort}>${socket.remotePort}`);
  }

  private readonly openUpstreams = new Set<net.Socket>();

  /** Notes one of the proxy's own connections to a server, for as long as it is open. */
  private noteUpstream(socket: net.Socket): void {
    if (!socket.localPort) return;
    this.upstreams.add(`${socket.localPort}>${socket.remotePort}`);
    if (this.openUpstreams.has(socket)) return;
    this.openUpstreams.add(socket);
    socket.once('close', () => this.openUpstreams.delete(socket));
  }

  /** Targets asked for, in order ("127.0.0.1:4321"). */
  targets(): string[] {
    return this.requests.map((request) => request.target);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private authorized(request: http.IncomingMessage): boolean {
    return this.options.requireAuthorization === undefined || request.headers['proxy-authorization'] === this.options.requireAuthorization;
  }

  private tunnel(request: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    const target = request.url ?? '';
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    const authorized = this.authorized(request);
    const refuse = (status: number, reason: string, extra = ''): void => {
      this.requests.push({ kind: 'connect', target, authorized, status });
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    client.on('error', () => {});
    if (!authorized) return refuse(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="fanout-test"\r\n');
    if (!match || !LOOPBACK.has(match[1]!)) return refuse(502, 'Bad Gateway');
    let connected = false;
    const upstream = net.connect(Number(match[2]), '127.0.0.1', () => {
      connected = true;
      this.noteUpstream(upstream);
      this.requests.push({ kind: 'connect', target, authorized, status: 200 });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!connected) refuse(502, 'Bad Gateway');
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (connected) client.destroy();
    });
  }

  private forward(request: http.IncomingMessage, response: http.ServerResponse): void {
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('absolute-form URL expected');
      return;
    }
    const target = url.host;
    const authorized = this.authorized(request);
    if (!authorized) {
      this.requests.push({ kind: 'forward', target, authorized, status: 407 });
      response.writeHead(407, { 'proxy-authenticate': 'Basic realm="fanout-test"' }).end();
      return;
    }
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''))) {
      this.requests.push({ kind: 'forward', target, authorized, status: 502 });
      response.writeHead(502).end();
      return;
    }
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request({ host: '127.0.0.1', port: Number(url.port || 80), method: request.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      this.requests.push({ kind: 'forward', target, authorized, status: answer.statusCode ?? 0 });
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
    // a kept-alive upstream socket is handed out already connected: record it each time it carries a request
    upstream.on('socket', (socket) => {
      const record = (): void => this.noteUpstream(socket);
      if (socket.connecting) socket.once('connect', record);
      else record();
    });
    request.pipe(upstream);
  }
}
