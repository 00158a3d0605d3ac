/**
 * Gemini, on Vertex AI (project + location, OAuth access token from ADC or a sign-in) and through the
 * Gemini API (API key), both with @google/genai. The token is fetched before the clock starts and
 * handed to genai as a ready client, so no auth look-up happens inside the timed request.
 */
import type { GoogleGenAIOptions } from '@google/genai';
import { ApiError, FinishReason as GoogleFinishReason, GoogleGenAI, OAuth2Client } from './sdk';
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import type { GeminiDeployment, VertexDeployment } from './descriptor';
import { geminiOrigin, vertexOrigin } from './endpoint';
import { proxyFor } from '../../core/engine/network';
import { providerError, type FinishReason, type ProviderError, type StreamPart } from '../../core/request/stream';
import { fromConnectionFailure, fromServiceFailure } from '../transport/errorMapping';
import { transportFetch } from '../transport/fetch';

const FINISH: Partial<Record<GoogleFinishReason, FinishReason>> = {
  [GoogleFinishReason.STOP]: 'stop',
  [GoogleFinishReason.MAX_TOKENS]: 'length',
  [GoogleFinishReason.SAFETY]: 'content_filter',
  [GoogleFinishReason.RECITATION]: 'content_filter',
  [GoogleFinishReason.BLOCKLIST]: 'content_filter',
  [GoogleFinishReason.PROHIBITED_CONTENT]: 'content_filter',
  [GoogleFinishReason.SPII]: 'content_filter',
  [GoogleFinishReason.IMAGE_SAFETY]: 'content_filter',
  [GoogleFinishReason.UNEXPECTED_TOOL_CALL]: 'tool_calls',
  [GoogleFinishReason.MALFORMED_FUNCTION_CALL]: 'tool_calls',
};

export const googleAdapter: ProviderAdapter<VertexDeployment | GeminiDeployment> = {
  async *stream(call: ProviderCall<VertexDeployment | GeminiDeployment>): AsyncGenerator<StreamPart> {
    const { deployment, credential, request, signal } = call;
    const service = deployment.provider === 'vertex' ? 'Vertex AI' : 'Gemini API';
    const origin = deployment.provider === 'vertex' ? vertexOrigin(deployment.location, deployment.endpoint) : geminiOrigin(deployment.baseUrl);
    const fetch = await transportFetch(call.transport.network, origin);
    const noRetries = { attempts: 1 };
    let options: GoogleGenAIOptions;
    if (deployment.provider === 'vertex') {
      if (credential.type !== 'bearer') {
        yield { type: 'error', error: providerError('auth', `Vertex AI deployment "${deployment.id}" needs Google credentials: run "gcloud auth application-default login", or set a credentials file.`, { retryable: false }) };
        return;
      }
      const authClient = new OAuth2Client();
      authClient.setCredentials({ access_token: credential.token, expiry_date: Date.now() + 3_600_000 });
      options = {
        vertexai: true,
        project: deployment.project,
        location: deployment.location,
        googleAuthOptions: { authClient, projectId: deployment.project },
        httpOptions: { retryOptions: noRetries, ...(fetch ? { fetch } : {}), ...(deployment.endpoint ? { baseUrl: deployment.endpoint } : {}) },
      };
    } else {
      if (credential.type !== 'api-key') {
        yield { type: 'error', error: providerError('auth', `Gemini API deployment "${deployment.id}" needs an API key.`, { retryable: false }) };
        return;
      }
      options = { apiKey: credential.key, httpOptions: { retryOptions: noRetries, ...(fetch ? { fetch } : {}), ...(deployment.baseUrl ? { baseUrl: deployment.baseUrl } : {}) } };
    }
    const ai = new GoogleGenAI(options);
    let requestId: string | null = null;
    let finishReason: FinishReason | null = null;
    let model: string | undefined;
    try {
      const stream = await ai.models.generateContentStream({
        model: deployment.model,
        contents: request.messages.map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] })),
        config: {
          abortSignal: signal,
          ...(request.system ? { systemInstruction: request.system } : {}),
          ...(request.params.temperature !== undefined ? { temperature: request.params.temperature } : {}),
          ...(request.params.topP !== undefined ? { topP: request.params.topP } : {}),
          ...(request.params.maxTokens !== undefined ? { maxOutputTokens: request.params.maxTokens } : {}),
        },
      });
      yield { type: 'response-metadata', requestId: null };
      for await (const chunk of stream) {
        requestId ??= chunk.responseId ?? null;
        model ??= chunk.modelVersion;
        if (chunk.promptFeedback?.blockReason) {
          yield { type: 'error', error: providerError('content_filter', `${service} blocked the prompt (${chunk.promptFeedback.blockReason}). Rephrase it, or review the safety settings.`, { requestId, retryable: false }) };
          return;
        }
        const candidate = chunk.candidates?.[0];
        for (const part of candidate?.content?.parts ?? []) {
          if (part.text && !part.thought) yield { type: 'text-delta', text: part.text };
        }
        if (candidate?.finishReason) finishReason = FINISH[candidate.finishReason] ?? 'other';
        const usage = chunk.usageMetadata;
        if (usage && candidate?.finishReason) {
          yield {
            type: 'usage',
            usage: {
              inputTokens: usage.promptTokenCount ?? 0,
              // thinking tokens are billed as output
              outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
              ...(usage.cachedContentTokenCount ? { cachedInputTokens: usage.cachedContentTokenCount } : {}),
            },
          };
        }
      }
      if (finishReason === null) {
        yield { type: 'error', error: providerError('network', `The ${service} stream ended before the answer was complete: the connection may have dropped. Retry.`, { requestId }) };
        return;
      }
      if (finishReason === 'content_filter') {
        yield { type: 'error', error: providerError('content_filter', `${service} (deployment "${deployment.id}") stopped the answer with its safety filter.`, { requestId, retryable: false }) };
        return;
      }
      yield { type: 'finish', reason: finishReason, ...(model ? { model } : {}), requestId };
    } catch (cause) {
      yield { type: 'error', error: toProviderError(cause, service, deployment.id, origin, requestId, proxyFor(origin, call.transport.network)) };
    }
  },
};

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }> };
}

function toProviderError(cause: unknown, service: string, deploymentId: string, origin: string, requestId: string | null, proxy: string | null): ProviderError {
  if ((cause as Error)?.name === 'AbortError' || (cause as Error)?.message?.includes('aborted')) return providerError('cancelled', 'Cancelled.', { retryable: false });
  if (cause instanceof ApiError) {
    const body = parseErrorBody(cause.message);
    const details = body?.error?.details ?? [];
    const retryDelay = details.find((detail) => detail['@type']?.endsWith('RetryInfo'))?.retryDelay;
    const seconds = retryDelay ? Number.parseFloat(retryDelay) : NaN;
    const reason = details.find((detail) => detail.reason)?.reason;
    return fromServiceFailure({
      service,
      deploymentId,
      status: cause.status,
      code: reason ?? body?.error?.status ?? null,
      serverMessage: body?.error?.message ?? cause.message,
      requestId,
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  const message = (cause as Error)?.message ?? '';
  const inStream = /^\s*\{"error"/.test(message) ? parseErrorBody(message) : null;
  if (inStream?.error) {
    return fromServiceFailure({ service, deploymentId, status: inStream.error.code ?? null, code: inStream.error.status ?? null, serverMessage: inStream.error.message ?? null, requestId });
  }
  if (cause instanceof SyntaxError) {
    return providerError('server', `${service} sent a malformed stream event that could not be read. Retry.`, { requestId });
  }
  return fromConnectionFailure(service, deploymentId, origin, cause, proxy);
}

function parseErrorBody(message: string): GoogleErrorBody | null {
  const start = message.indexOf('{');
  if (start < 0) return null;
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return null;
  }
}
