/** The contract every provider adapter fulfils. The engine names no cloud; it only sees this. */
import type { Credential } from '../security/credential';
import type { Deployment, ProviderKind } from '../config/deployment';
import type { NetworkSettings } from './network';
import type { ChatRequest, StreamPart } from '../request/stream';
import type { CallTrace } from './callTrace';

export interface TransportOptions {
  /** Bedrock: use HTTP/1.1 (NodeHttpHandler) instead of the SDK's default HTTP/2 handler. */
  http1?: boolean;
  /** Proxy, extra CA, lookup. Unset: each SDK's own transport. */
  network?: NetworkSettings;
}

export interface ProviderCall<D = Deployment> {
  deployment: D;
  request: ChatRequest;
  credential: Credential;
  signal: AbortSignal;
  transport: TransportOptions;
  /** Filled by the transport's own events (connection, set-up, headers); absent where nobody measures. */
  trace?: CallTrace;
}

/**
 * Streams one answer. Never throws: SDK errors, in-stream errors and a stream that ends early all come
 * back as an `error` part. SDK-level retries are off; the engine retries, and only before the first token.
 */
export interface ProviderAdapter<D = Deployment> {
  stream(call: ProviderCall<D>): AsyncIterable<StreamPart>;
}

export type AdapterLoader = (kind: ProviderKind) => Promise<ProviderAdapter>;
