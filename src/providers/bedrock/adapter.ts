/**
 * Amazon Bedrock through ConverseStream. Credentials arrive resolved (static keys, a profile or SSO,
 * the default chain, or a Bedrock API key as a bearer token). HTTP/2 by default, as the SDK does;
 * HTTP/1.1 on request.
 */
import type { BedrockRuntimeClientConfig, ConverseStreamCommandInput, StopReason } from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeClient, ConverseStreamCommand, NodeHttp2Handler, NodeHttpHandler } from './sdk';
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import type { BedrockDeployment } from './descriptor';
import { bedrockOrigin } from './endpoint';
import { isDirectDefault, proxyFor, type NetworkSettings } from '../../core/engine/network';
import { providerError, type FinishReason, type ProviderError, type StreamPart } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure } from '../transport/errorMapping';

const SERVICE = 'Amazon Bedrock';

const FINISH: Record<StopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
  tool_use: 'tool_calls',
  malformed_model_output: 'other',
  malformed_tool_use: 'other',
};

export const bedrockAdapter: ProviderAdapter<BedrockDeployment> = {
  async *stream(call: ProviderCall<BedrockDeployment>): AsyncGenerator<StreamPart> {
    const { deployment, credential, request, signal } = call;
    const origin = bedrockOrigin(deployment.region, deployment.endpoint);
    const requestHandler = await handlerFor(call.transport.network, origin, call.transport.http1 === true);
    const config: BedrockRuntimeClientConfig = {
      region: deployment.region,
      maxAttempts: 1, // the engine retries, and only before the first token
      ...(deployment.endpoint ? { endpoint: deployment.endpoint } : {}),
      ...(requestHandler ? { requestHandler } : {}),
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
    const client = new BedrockRuntimeClient(config);
    const input: ConverseStreamCommandInput = {
      modelId: deployment.model,
      messages: request.messages.map((message) => ({ role: message.role, content: [{ text: message.content }] })),
      ...(request.system ? { system: [{ text: request.system }] } : {}),
      inferenceConfig: {
        ...(request.params.maxTokens !== undefined ? { maxTokens: request.params.maxTokens } : {}),
        ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
        ...(request.params.topP !== undefined ? { topP: request.params.topP } : {}),
      },
    };
    let requestId: string | null = null;
    let finishReason: FinishReason | null = null;
    let sawMetadata = false;
    try {
      const response = await client.send(new ConverseStreamCommand(input), { abortSignal: signal });
      requestId = response.$metadata.requestId ?? null;
      yield { type: 'response-metadata', requestId };
      if (!response.stream) throw new Error('Bedrock answered without a stream');
      for await (const event of response.stream) {
        if (event.contentBlockDelta?.delta?.text) yield { type: 'text-delta', text: event.contentBlockDelta.delta.text };
        else if (event.messageStop) finishReason = event.messageStop.stopReason ? (FINISH[event.messageStop.stopReason] ?? 'other') : 'other';
        else if (event.metadata) {
          sawMetadata = true;
          const usage = event.metadata.usage;
          if (usage) {
            const cached = usage.cacheReadInputTokens ?? 0;
            yield {
              type: 'usage',
              usage: {
                // Bedrock counts cache reads and writes apart from inputTokens; the contract wants the total with the cached part named
                inputTokens: (usage.inputTokens ?? 0) + cached + (usage.cacheWriteInputTokens ?? 0),
                outputTokens: usage.outputTokens ?? 0,
                ...(cached ? { cachedInputTokens: cached } : {}),
              },
            };
          }
        }
      }
      if (finishReason === null || !sawMetadata) {
        yield { type: 'error', error: providerError('network', `The Bedrock stream ended before the answer was complete: the connection may have dropped. Retry.`, { requestId }) };
        return;
      }
      if (finishReason === 'content_filter') {
        yield { type: 'error', error: providerError('content_filter', `Bedrock (deployment "${deployment.id}") stopped the answer: a content filter or guardrail intervened.`, { requestId, retryable: false }) };
        return;
      }
      yield { type: 'finish', reason: finishReason, requestId };
    } catch (cause) {
      yield { type: 'error', error: toProviderError(cause, deployment.id, origin, requestId, proxyFor(origin, call.transport.network)) };
    } finally {
      client.destroy();
    }
  },
};

/**
 * The SDK's own HTTP/2 handler unless something asks otherwise: HTTP/1.1 on request, and always through a
 * proxy (the CONNECT tunnel carries HTTP/1.1); an extra CA or a lookup goes into either handler.
 */
async function handlerFor(network: NetworkSettings | undefined, origin: string, http1: boolean): Promise<NodeHttpHandler | NodeHttp2Handler | undefined> {
  if (isDirectDefault(network)) return http1 ? new NodeHttpHandler() : undefined;
  const { nodeAgentsFor, http2OptionsFor } = await import('../transport/network');
  if (http1 || proxyFor(origin, network)) return new NodeHttpHandler(nodeAgentsFor(network!, origin));
  return new NodeHttp2Handler({ nodeHttp2ConnectOptions: http2OptionsFor(network!) });
}

function toProviderError(cause: unknown, deploymentId: string, origin: string, requestId: string | null, proxy: string | null): ProviderError {
  const error = cause as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $retryable?: unknown };
  if (error?.name === 'AbortError') return providerError('cancelled', 'Cancelled.', { retryable: false });
  const status = error?.$metadata?.httpStatusCode ?? null;
  if (error?.$fault || status) {
    const code = error.name ?? null;
    if (code === 'ExpiredTokenException' || code === 'ExpiredToken') {
      return providerError('auth', `The AWS session for deployment "${deploymentId}" has expired. Refresh it (for SSO: aws sso login).`, { status, retryable: false, requestId: error.$metadata?.requestId ?? requestId });
    }
    return fromServiceFailure({
      service: SERVICE,
      deploymentId,
      status: status ?? statusOfStreamException(code),
      code,
      serverMessage: error.message ?? null,
      requestId: error.$metadata?.requestId ?? requestId,
    });
  }
  return fromConnectionFailure(SERVICE, deploymentId, origin, cause, proxy);
}

/** Exceptions inside a 200 stream carry no HTTP status; give them the status the same exception has before a stream. */
function statusOfStreamException(name: string | null): number | null {
  switch (name) {
    case 'ThrottlingException': return 429;
    case 'ValidationException': return 400;
    case 'ServiceUnavailableException': return 503;
    case 'ModelTimeoutException': return 408;
    case 'InternalServerException': case 'ModelStreamErrorException': return 500;
    default: return null;
  }
}
