/**
 * Turns what a service answered (status, error code, message, headers) into a ProviderError whose
 * message says what to do. Shared by every adapter so the same failure reads the same on every cloud.
 */
import { describeProxy } from '../../core/engine/network';
import { providerError, type ProviderError, type ProviderErrorKind } from '../../core/request/stream';

export interface ServiceFailure {
  /** Who answered, e.g. "OpenAI", "Amazon Bedrock". */
  service: string;
  deploymentId: string;
  status: number | null;
  /** The service's error code or type, e.g. "context_length_exceeded", "ThrottlingException", "RESOURCE_EXHAUSTED". */
  code?: string | null;
  serverMessage?: string | null;
  requestId?: string | null;
  retryAfterMs?: number;
}

const MAX_SERVER_MESSAGE = 300;

/** Removes anything shaped like a key or token from text a service sent back, and keeps it short. */
export function sanitiseServerMessage(text: string | null | undefined): string {
  if (!text) return '';
  const clean = text
    .replace(/(sk|pk|rk|ABSK|AIza|ya29|eyJ)[A-Za-z0-9._~+/=*-]{8,}/g, '[redacted]')
    .replace(/(Bearer|api-key|key=)\s*[A-Za-z0-9._~+/=*-]{8,}/gi, '$1 [redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > MAX_SERVER_MESSAGE ? `${clean.slice(0, MAX_SERVER_MESSAGE)}…` : clean;
}

function quoted(failure: ServiceFailure): string {
  const text = sanitiseServerMessage(failure.serverMessage);
  return text ? ` ${failure.service} said: "${text}"` : '';
}

export function classify(failure: ServiceFailure): ProviderErrorKind {
  const code = (failure.code ?? '').toLowerCase();
  const message = (failure.serverMessage ?? '').toLowerCase();
  // the service's own code decides first: "Too many tokens, please wait" is Bedrock throttling, not a long prompt
  if (/throttl|rate_limit|too_many_requests|resource_exhausted/.test(code)) return 'rate_limit';
  if (failure.status === 429 && failure.retryAfterMs !== undefined) return 'rate_limit';
  if (/context_length|request_too_large/.test(code)) return 'context_length';
  if (/content_filter|content_policy|responsibleai|guardrail|safety|blocked/.test(code)) return 'content_filter';
  if (/insufficient_quota|quota|billing/.test(code) && failure.status !== 503) return 'quota';
  if (/api_key_invalid|invalid_api_key|unrecognizedclient|invalidsignature|signaturedoesnotmatch|expiredtoken|unauthenticated|incompletesignature|missingauthenticationtoken/.test(code)) return 'auth';
  if (/api key not valid/.test(message)) return 'auth';
  const badRequest = failure.status === 400 || failure.status === 413 || failure.status === null;
  if (badRequest && /maximum context|context length|input is too long|prompt is too long|exceeds the maximum number of tokens|too many input tokens/.test(message)) return 'context_length';
  switch (failure.status) {
    case 401: return 'auth';
    case 403: return 'permission';
    case 404: return 'not_found';
    case 408: case 504: return 'timeout';
    case 413: return 'context_length';
    case 429: return /quota|billing/.test(message) && !/rate|throttl|too many requests/.test(message) ? 'quota' : 'rate_limit';
    case null: break;
    default:
      if (failure.status >= 500) return 'server';
      if (failure.status >= 400) return 'bad_request';
  }
  if (/server|internal|unavailable|overloaded|modelstreamerror/.test(code)) return 'server';
  if (/validation|invalid/.test(code)) return 'bad_request';
  return 'unknown';
}

const PROXY_AUTH_HINT = 'Set VS Code\'s "http.proxyAuthorization", or put user:password in the proxy URL (HTTPS_PROXY for the CLI).';

/** What a 429's retry-after asked for, in words: never "wait 0 s" (a header of 0, or under a second, says "at once"). */
export function waitText(retryAfterMs: number | undefined): string {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return '';
  if (retryAfterMs < 1000) return ' It said a retry may go at once.';
  const seconds = Math.ceil(retryAfterMs / 1000);
  return seconds < 120 ? ` It asked to wait ${seconds} s.` : ` It asked to wait ${Math.round(seconds / 60)} min.`;
}

export function fromServiceFailure(failure: ServiceFailure): ProviderError {
  if (failure.status === 407) {
    return providerError('network', `The proxy between Fanout and ${failure.service} asks for authentication (407). ${PROXY_AUTH_HINT}`, { status: 407, retryable: false });
  }
  const kind = classify(failure);
  const who = `${failure.service} (deployment "${failure.deploymentId}")`;
  const status = failure.status ? ` (${failure.status})` : '';
  const messages: Record<ProviderErrorKind, string> = {
    auth: `${who} rejected the credential${status}. Set a valid key or sign in again for this deployment.`,
    permission: `${who} refused access${status}: the credential is valid but not allowed to use this model. Grant access to the model, or use another credential.${quoted(failure)}`,
    rate_limit: `${who} is rate limiting${status}.${waitText(failure.retryAfterMs)} Wait and retry, or lower the request rate.`,
    quota: `${who} says the quota or billing limit is reached${status}. Check the account's quota and billing.${quoted(failure)}`,
    not_found: `${who} found no such model or deployment${status}. Check the model id${failure.service.includes('Azure') ? ' and the deployment name' : ''} and the region.${quoted(failure)}`,
    bad_request: `${who} rejected the request${status}.${quoted(failure)} Check the parameters.`,
    context_length: `The prompt is too long for this model${status}. Shorten it, or lower max tokens.${quoted(failure)}`,
    content_filter: `${who} blocked the prompt or answer with its content filter${status}.${quoted(failure)}`,
    timeout: `${who} timed out${status}. Retry, or ask for fewer tokens.`,
    network: `Could not reach ${who}. Check the endpoint and the network.`,
    server: `${who} had a server error${status}. Retry in a moment.${quoted(failure)}`,
    cancelled: 'Cancelled.',
    unknown: `${who} failed${status}.${quoted(failure)}`,
  };
  return providerError(kind, messages[kind], {
    status: failure.status,
    requestId: failure.requestId ?? null,
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  });
}

/** `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterFrom(header: (name: string) => string | null | undefined): number | undefined {
  const ms = Number(header('retry-after-ms'));
  if (header('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = header('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/**
 * A connection-level failure (refused, reset, DNS, TLS) as a ProviderError that names what went wrong.
 * With a proxy in use, a refusal or a failed lookup is the proxy's, and the message says so.
 */
export function fromConnectionFailure(service: string, deploymentId: string, origin: string, cause: unknown, proxy: string | null = null): ProviderError {
  const chain: string[] = [];
  let node: unknown = cause;
  for (let depth = 0; node && depth < 5; depth++) {
    const { code, message } = node as { code?: string; message?: string };
    chain.push(`${code ?? ''} ${message ?? ''}`);
    node = (node as { cause?: unknown }).cause;
  }
  const text = chain.join(' ');
  // an OpenAI-compatible server is already named by its host ("The server at 127.0.0.1:11434"): said once, mid-sentence
  const named = /^The server at /.test(service) ? 'the server' : service;
  const where = `${named} at ${origin} (deployment "${deploymentId}")`;
  if (proxy) {
    const via = describeProxy(proxy);
    const status = /Proxy response \((\d{3})\)|status(?:Code)? (\d{3})/i.exec(text);
    const proxyStatus = status ? Number(status[1] ?? status[2]) : null;
    if (proxyStatus === 407) return providerError('network', `The proxy ${via} asks for authentication (407) before it connects to ${where}. ${PROXY_AUTH_HINT}`, { status: 407, retryable: false });
    if (proxyStatus !== null) return providerError('network', `The proxy ${via} would not connect to ${where} (it answered ${proxyStatus}). Check that the proxy allows this host, or add the host to the proxy bypass list (http.noProxy / NO_PROXY).`, { retryable: false });
    if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) return providerError('network', `Cannot resolve the proxy ${via} (used for ${where}). Check the proxy setting (http.proxy / HTTPS_PROXY).`);
    if (/ECONNREFUSED/.test(text)) return providerError('network', `The proxy ${via} refused the connection (used for ${where}). Is the proxy running, and is the setting (http.proxy / HTTPS_PROXY) right?`);
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) {
    // ENOTFOUND: no such name, a retry will not help; EAI_AGAIN: the resolver could not answer now
    return providerError('network', `Cannot resolve the host of ${where}: DNS lookup failed. Check the endpoint's spelling and your network or proxy.`, { retryable: /EAI_AGAIN/.test(text) });
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|CERT_|unable to get local issuer|certificate/i.test(text)) {
    const reason = /self[- ]signed/i.test(text) ? 'is self-signed' : /expired/i.test(text) ? 'has expired' : /altname|hostname|Host: .* is not in the cert/i.test(text) ? 'is for another host name' : 'is not signed by a trusted authority';
    return providerError('network', `The TLS certificate of ${where} ${reason}, so Fanout did not send the request. If your network or server uses its own certificate authority, add that CA's PEM file: the setting "fanout.network.extraCaFile" in VS Code, --ca-file or NODE_EXTRA_CA_CERTS for the CLI. Verification is never turned off.`, { retryable: false });
  }
  if (/ECONNREFUSED/.test(text)) return providerError('network', `Connection refused by ${where}. Is the server running, and is the port right?`);
  if (/ECONNRESET|socket hang up|other side closed|terminated|UND_ERR_SOCKET|ERR_HTTP2_STREAM|premature close/i.test(text)) {
    return providerError('network', `The connection to ${where} was reset. Retry; if it keeps happening, check proxies or firewalls in between.`);
  }
  if (/ETIMEDOUT|timed out|timeout/i.test(text)) return providerError('timeout', `Connecting to ${where} timed out. Check the endpoint and the network.`);
  if (/EPIPE|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|socket|network|fetch failed|connect/i.test(text)) {
    return providerError('network', `Could not reach ${where}: ${sanitiseServerMessage(chain[0]) || 'connection failed'}.`);
  }
  // not a connection failure: say what it was rather than blame the network
  return providerError('unknown', `The request to ${where} failed: ${sanitiseServerMessage(chain.join(' ').trim()) || 'unknown error'}.`, { retryable: false });
}
