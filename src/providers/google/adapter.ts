/**
 * Gemini, on Vertex AI (project + location, OAuth access token from ADC or a sign-in) and through the
 * Gemini API (API key), both with @google/genai. The token is fetched before the clock starts and
 * handed to genai as a ready client, so no auth look-up happens inside the timed request.
 */
import { beforeSending } from '../beforeSending';
import type { GoogleGenAIOptions } from '@google/genai';
import { GoogleGenAI, OAuth2Client } from './sdk';
import { toProviderError } from './errors';
import { convertRequest } from './convertRequest';
import { mapFinishReason } from './finishReason';
import { mapUsage } from './usage';
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import type { GeminiDeployment, VertexDeployment } from './descriptor';
import { geminiOrigin, vertexOrigin } from './endpoint';
import { proxyFor } from '../../core/engine/network';
import { providerError, type FinishReason, type StreamPart } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import { keptClient } from '../transport/keptClients';

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
    const ai = keptClient(call, () => new GoogleGenAI(options));
    const converted = convertRequest(request, signal, deployment.model);
    yield* beforeSending(converted);
    let requestId: string | null = null;
    let finishReason: FinishReason | null = null;
    let rawReason: string | null = null;
    let model: string | undefined;
    let calls = 0;
    try {
      const stream = await ai.models.generateContentStream({ model: deployment.model, contents: converted.contents, config: converted.config });
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
          if (part.text && part.thought) yield { type: 'reasoning-delta', text: part.text };
          else if (part.text) yield { type: 'text-delta', text: part.text };
          // Gemini sends each call whole, with no id of its own on the Gemini API: Fanout makes one
          if (part.functionCall?.name) yield { type: 'tool-call', id: part.functionCall.id ?? `call_${++calls}`, name: part.functionCall.name, arguments: part.functionCall.args ?? {} };
        }
        if (candidate?.finishReason) {
          rawReason = candidate.finishReason;
          finishReason = mapFinishReason(candidate.finishReason);
        }
        const usage = chunk.usageMetadata;
        if (usage && candidate?.finishReason) yield { type: 'usage', usage: mapUsage(usage) };
      }
      if (finishReason === null) {
        yield { type: 'error', error: providerError('network', `The ${service} stream ended before the answer was complete: the connection may have dropped. Retry.`, { requestId }) };
        return;
      }
      if (finishReason === 'content_filter') {
        yield { type: 'error', error: providerError('content_filter', `${service} (deployment "${deployment.id}") stopped the answer with its safety filter.`, { requestId, retryable: false }) };
        return;
      }
      // a finish with tool calls is tool_calls on every cloud (Gemini says STOP)
      yield { type: 'finish', reason: calls && finishReason === 'stop' ? 'tool_calls' : finishReason, rawReason, ...(model ? { model } : {}), requestId };
    } catch (cause) {
      yield { type: 'error', error: toProviderError(cause, service, deployment.id, origin, requestId, proxyFor(origin, call.transport.network)) };
    }
  },
};
