/**
 * Amazon Bedrock through ConverseStream. Credentials arrive resolved (static keys, a profile or SSO,
 * the default chain, or a Bedrock API key as a bearer token). HTTP/2 by default, as the SDK does;
 * HTTP/1.1 on request.
 */
import { beforeSending } from '../beforeSending';
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeClient, ConverseStreamCommand, NodeHttp2Handler, NodeHttpHandler } from './sdk';
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import type { BedrockDeployment } from './descriptor';
import { bedrockOrigin } from './endpoint';
import { isDirectDefault, proxyFor, type NetworkSettings } from '../../core/engine/network';
import { providerError, type FinishReason, type StreamPart } from '../../core/request/stream';
import { ToolCallAssembler } from '../toolCallAssembler';
import { keptClient } from '../transport/keptClients';
import { convertRequest } from './convertRequest';
import { toProviderError } from './errors';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';

export const bedrockAdapter: ProviderAdapter<BedrockDeployment> = {
  async *stream(call: ProviderCall<BedrockDeployment>): AsyncGenerator<StreamPart> {
    const { deployment, credential, request, signal } = call;
    const origin = bedrockOrigin(deployment.region, deployment.endpoint);
    const transport = isDirectDefault(call.transport.network) ? null : await import('../transport/network');
    const config: BedrockRuntimeClientConfig = {
      region: deployment.region,
      maxAttempts: 1, // the engine retries, and only before the first token
      ...(deployment.endpoint ? { endpoint: deployment.endpoint } : {}),
    };
    if (credential.type === 'aws') {
      config.credentials = {
        accessKeyId: credential.accessKeyId,
        secretAccessKey: credential.secretAccessKey,
        ...(credential.sessionToken ? { sessionToken: credential.sessionToken } : {}),
      };
      // the SDK switches itself to bearer auth when AWS_BEARER_TOKEN_BEDROCK is in the environment: the credential chosen here wins
      config.authSchemePreference = ['sigv4'];
    } else if (credential.type === 'bearer') {
      config.token = { token: credential.token };
      config.authSchemePreference = ['httpBearerAuth'];
    } else {
      yield { type: 'error', error: providerError('auth', `Bedrock deployment "${deployment.id}" has no AWS credentials: set a profile, keys or a Bedrock API key.`, { retryable: false }) };
      return;
    }
    const client = keptClient(call, () => new BedrockRuntimeClient({ ...config, requestHandler: handlerFor(transport, call.transport.network, origin, call.transport.http1 === true) }), (kept) => kept.destroy());
    const converted = convertRequest(deployment.model, request);
    yield* beforeSending(converted);
    let requestId: string | null = null;
    let finishReason: FinishReason | null = null;
    let rawReason: string | null = null;
    let sawMetadata = false;
    const toolCalls = new ToolCallAssembler();
    /** Content blocks that carry the JSON answer through the forced tool: their input is streamed as the answer's text. */
    const answerBlocks = new Set<number>();
    try {
      const response = await client.send(new ConverseStreamCommand(converted.input), { abortSignal: signal });
      requestId = response.$metadata.requestId ?? null;
      yield { type: 'response-metadata', requestId };
      if (!response.stream) throw new Error('Bedrock answered without a stream');
      for await (const event of response.stream) {
        const index = event.contentBlockStart?.contentBlockIndex ?? event.contentBlockDelta?.contentBlockIndex ?? 0;
        const started = event.contentBlockStart?.start?.toolUse;
        const delta = event.contentBlockDelta?.delta;
        if (started) {
          if (converted.answerTool && started.name === converted.answerTool) answerBlocks.add(index);
          else yield toolCalls.add(index, { id: started.toolUseId ?? null, name: started.name ?? null, arguments: '' });
        } else if (delta?.text) yield { type: 'text-delta', text: delta.text };
        else if (delta?.reasoningContent) {
          // Claude's thinking: text, then a signature that must go back unchanged; or a redacted block to send back as it is
          const thought = delta.reasoningContent;
          if (thought.text) yield { type: 'reasoning-delta', text: thought.text };
          if (thought.signature) yield { type: 'reasoning-end', signature: thought.signature };
          if (thought.redactedContent) yield { type: 'reasoning-end', redactedData: Buffer.from(thought.redactedContent).toString('base64') };
        }
        else if (delta?.toolUse) {
          if (answerBlocks.has(index)) {
            if (delta.toolUse.input) yield { type: 'text-delta', text: delta.toolUse.input };
          } else yield toolCalls.add(index, { arguments: delta.toolUse.input ?? '' });
        } else if (event.messageStop) {
          rawReason = event.messageStop.stopReason ?? null;
          finishReason = mapFinishReason(event.messageStop.stopReason);
        } else if (event.metadata) {
          sawMetadata = true;
          if (event.metadata.usage) yield { type: 'usage', usage: mapUsage(event.metadata.usage) };
        }
      }
      if (finishReason === null || !sawMetadata) {
        yield { type: 'error', error: providerError('network', `The Bedrock stream ended before the answer was complete: the connection may have dropped. Retry.`, { requestId }) };
        return;
      }
      yield* toolCalls.finish();
      if (finishReason === 'content_filter') {
        yield { type: 'error', error: providerError('content_filter', `Bedrock (deployment "${deployment.id}") stopped the answer: a content filter or guardrail intervened.`, { requestId, retryable: false }) };
        return;
      }
      // the forced answer tool is Fanout's device, not the model's call: its answer ends like any other
      const reason = answerBlocks.size && !toolCalls.size && finishReason === 'tool_calls' ? 'stop' : finishReason;
      yield { type: 'finish', reason, rawReason, requestId };
    } catch (cause) {
      yield { type: 'error', error: toProviderError(cause, deployment.id, origin, requestId, proxyFor(origin, call.transport.network)) };
    }
  },
};

/**
 * The SDK's own HTTP/2 handler (its session shared by the client's calls) unless something asks otherwise: HTTP/1.1 on
 * request, and always through a proxy (the CONNECT tunnel carries HTTP/1.1); an extra CA or a lookup goes into either.
 */
function handlerFor(transport: typeof import('../transport/network') | null, network: NetworkSettings | undefined, origin: string, http1: boolean): NodeHttpHandler | NodeHttp2Handler {
  if (!transport) return http1 ? new NodeHttpHandler() : new SharedSessionHttp2Handler();
  const { nodeAgentsFor, http2OptionsFor } = transport;
  if (http1 || proxyFor(origin, network)) return new NodeHttpHandler(nodeAgentsFor(network!, origin));
  return new SharedSessionHttp2Handler({ nodeHttp2ConnectOptions: http2OptionsFor(network!) });
}

/**
 * The SDK opens a separate HTTP/2 session for every event-stream call (and closes it after), because a stream that also
 * sends events (bidirectional) must not share one. ConverseStream only receives: its calls share the client's session,
 * so a repeat goes out on the warm connection instead of paying DNS, TCP and TLS again.
 */
class SharedSessionHttp2Handler extends NodeHttp2Handler {
  override handle(...[request, options]: Parameters<NodeHttp2Handler['handle']>): ReturnType<NodeHttp2Handler['handle']> {
    return super.handle(request, { ...options, isEventStream: false });
  }
}
