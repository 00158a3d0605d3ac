/**
 * The transports that carry NetworkSettings into each SDK: a fetch (undici, with a proxy or a direct
 * dispatcher) for the openai and genai SDKs, Node agents for Bedrock over HTTP/1.1 and AWS sign-in, and
 * HTTP/2 connect options for Bedrock's default handler. Loaded only when a proxy, an extra CA or a custom
 * lookup is set: with none, every SDK keeps its own transport (and the editor's own proxy support).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { SecureClientSessionOptions } from 'node:http2';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

// undici's own modules rather than its index: the index also brings its WebSocket, EventSource, cache, cookies and mock
// agents, which Fanout never uses (about a third of the chunk). The types are the index's.
/* eslint-disable @typescript-eslint/no-require-imports */
// as undici's index does: every dispatcher gets the request API (a ProxyAgent opens its CONNECT tunnel with it)
Object.assign(require('undici/lib/dispatcher/dispatcher.js').prototype, require('undici/lib/api/index.js'));
const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent.js');
const ProxyAgent: typeof Undici.ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js');
const undiciFetch: typeof Undici.fetch = require('undici/lib/web/fetch/index.js').fetch;
/* eslint-enable @typescript-eslint/no-require-imports */
import { proxyFor, type NetworkSettings } from '../../core/engine/network';
import { onCloseKeptClients } from './keptClients';

/** Node's trusted roots (with NODE_EXTRA_CA_CERTS where Node can list them) plus the configured extra CA. */
function trustedCas(settings: NetworkSettings): string[] | undefined {
  if (!settings.extraCa) return undefined;
  const getCACertificates = (tls as unknown as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  const defaults = getCACertificates ? getCACertificates('default') : [...tls.rootCertificates];
  return [...defaults, settings.extraCa.pem];
}

function proxyHeaders(settings: NetworkSettings): Record<string, string> {
  return settings.proxyAuthorization ? { 'proxy-authorization': settings.proxyAuthorization } : {};
}

/** Dispatchers are kept per setting so connections are reused across runs; a custom lookup (tests) gets its own. */
const dispatchers = new Map<string, Dispatcher>();
/** Every dispatcher made (kept clients hold the ones with a custom lookup), closed with the kept clients. */
const made = new Set<Dispatcher>();
onCloseKeptClients(() => {
  for (const dispatcher of made) void dispatcher.destroy().catch(() => {});
  made.clear();
  dispatchers.clear();
});

function dispatcherFor(settings: NetworkSettings, proxy: string | null): Dispatcher {
  const key = JSON.stringify([proxy, settings.proxyAuthorization ?? '', settings.extraCa?.pem ?? '']);
  const cached = settings.lookup ? undefined : dispatchers.get(key);
  if (cached) return cached;
  const ca = trustedCas(settings);
  const dispatcher: Dispatcher = proxy
    ? new ProxyAgent({
        uri: proxy,
        ...(settings.proxyAuthorization ? { token: settings.proxyAuthorization } : {}),
        ...(ca ? { requestTls: { ca }, proxyTls: { ca } } : {}),
      })
    : new Agent({ connect: { ...(ca ? { ca } : {}), ...(settings.lookup ? { lookup: settings.lookup } : {}) } });
  if (!settings.lookup) dispatchers.set(key, dispatcher);
  made.add(dispatcher);
  return dispatcher;
}

/** A fetch for requests to `target` that goes through the proxy (unless bypassed) and trusts the extra CA. */
export function fetchFor(settings: NetworkSettings, target: string): typeof fetch {
  const dispatcher = dispatcherFor(settings, proxyFor(target, settings));
  const bound = (input: unknown, init?: RequestInit): Promise<Response> =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
  return bound as typeof fetch;
}

/** Node agents for `target` (Bedrock over HTTP/1.1, AWS sign-in): a CONNECT tunnel through the proxy, or direct. */
export function nodeAgentsFor(settings: NetworkSettings, target: string): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const proxy = proxyFor(target, settings);
  const ca = trustedCas(settings);
  if (proxy) {
    // CONNECT for both: a plain-HTTP endpoint is tunnelled too, as corporate proxies expect
    const agent = new TunnelAgent(proxy, { keepAlive: true, headers: proxyHeaders(settings), ...(ca ? { ca } : {}) }, ca);
    return { httpAgent: agent as unknown as http.Agent, httpsAgent: agent as unknown as https.Agent };
  }
  const lookup = settings.lookup ? { lookup: settings.lookup } : {};
  return {
    httpAgent: new http.Agent({ keepAlive: true, ...lookup }),
    httpsAgent: new https.Agent({ keepAlive: true, ...lookup, ...(ca ? { ca } : {}) }),
  };
}

/**
 * https-proxy-agent takes the target's TLS options from each request, and the SDK's requests carry none:
 * the extra CA is added to every tunnelled TLS connection here.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(proxy: string, options: ConstructorParameters<typeof HttpsProxyAgent<string>>[1], private readonly targetCa: string[] | undefined) {
    super(proxy, options);
  }

  override connect(request: http.ClientRequest, options: Parameters<HttpsProxyAgent<string>['connect']>[1]): ReturnType<HttpsProxyAgent<string>['connect']> {
    return super.connect(request, this.targetCa && options.secureEndpoint ? { ...options, ca: this.targetCa } : options);
  }
}

/** Options for Bedrock's HTTP/2 connections when there is no proxy (HTTP/2 does not go through one here). */
export function http2OptionsFor(settings: NetworkSettings): Partial<SecureClientSessionOptions> {
  const ca = trustedCas(settings);
  return { ...(ca ? { ca } : {}), ...(settings.lookup ? { lookup: settings.lookup } : {}) };
}
