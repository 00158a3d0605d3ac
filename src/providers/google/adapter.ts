/**
 * Gemini, on Vertex AI (project + location, OAuth access token from ADC or a sign-in) and through the
 * Gemini API (API key), both with @google/genai. The token is fetched before the clock starts and
 * handed to genai as a ready client, so no auth look-up happens inside the timed request.
 */
import { beforeSending } from '../beforeSending';
import { googleOptions } from './client';
import { GoogleGenAI } from './sdk';
import { toProviderError } from './errors';
import { convertRequest } from './convertRequest';
import { blockedPrompt, endOfAnswer, newAnswerState, responseParts } from './responseParts';
import type { ProviderAdapter, ProviderCall } from '../../core/engine/adapter';
import type { GeminiDeployment, VertexDeployment } from './descriptor';
import { geminiOrigin, vertexOrigin } from './endpoint';
import { proxyFor } from '../../core/engine/network';
import type { StreamPart } from '../../core/request/stream';
import { transportFetch } from '../transport/fetch';
import { keptClient } from '../transport/keptClients';

export const googleAdapter: ProviderAdapter<VertexDeployment | GeminiDeployment> = {
  async *stream(call: ProviderCall<VertexDeployment | GeminiDeployment>): AsyncGenerator<StreamPart> {
    const { deployment, credential, request, signal } = call;
    const service = deployment.provider === 'vertex' ? 'Vertex AI' : 'Gemini API';
    const origin = deployment.provider === 'vertex' ? vertexOrigin(deployment.location, deployment.endpoint) : geminiOrigin(deployment.baseUrl);
    const fetch = await transportFetch(call.transport.network, origin);
    const client = googleOptions(deployment, credential, fetch);
    if (!client.ok) {
      yield { type: 'error', error: client.error };
      return;
    }
    const ai = keptClient(call, () => new GoogleGenAI(client.options));
    const converted = convertRequest(request, signal, deployment.model);
    yield* beforeSending(converted);
    const state = newAnswerState();
    try {
      const stream = await ai.models.generateContentStream({ model: deployment.model, contents: converted.contents, config: converted.config });
      yield { type: 'response-metadata', requestId: null };
      for await (const chunk of stream) {
        const blocked = blockedPrompt(chunk, service, state.requestId ?? chunk.responseId ?? null);
        if (blocked) {
          yield { type: 'error', error: blocked };
          return;
        }
        yield* responseParts(chunk, state);
      }
      yield endOfAnswer(state, service, deployment.id);
    } catch (cause) {
      yield { type: 'error', error: toProviderError(cause, service, deployment.id, origin, state.requestId, proxyFor(origin, call.transport.network)) };
    }
  },
};
