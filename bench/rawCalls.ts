/**
 * The physical limits Fanout is measured against: each cloud's official SDK called directly, as a developer
 * would write it, and a bare HTTP/1.1 socket reading the SSE bytes.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import * as http from 'node:http';
import OpenAI, { AzureOpenAI } from 'openai';
import type { Deployment } from '../src/core/config/deployment';
import { BENCH_KEYS } from './keys';

export interface RawTiming {
  ttftMs: number | null;
  totalMs: number;
}

const PROMPT = 'Say hello to every cloud.';

/** Clients kept per deployment, as a developer keeps one (and as Fanout keeps its own across runs). */
const clients = new Map<string, OpenAI | BedrockRuntimeClient | GoogleGenAI>();

function clientFor<T extends OpenAI | BedrockRuntimeClient | GoogleGenAI>(deployment: Deployment, make: () => T): T {
  const kept = clients.get(deployment.id);
  if (kept) return kept as T;
  const made = make();
  clients.set(deployment.id, made);
  return made;
}

export async function rawSdkCall(deployment: Deployment): Promise<RawTiming> {
  const started = performance.now();
  let ttftMs: number | null = null;
  const mark = (text: string | undefined | null): void => {
    if (text && ttftMs === null) ttftMs = performance.now() - started;
  };
  switch (deployment.provider) {
    case 'openai':
    case 'azure-openai': {
      const client = clientFor(deployment, () => deployment.provider === 'openai'
        ? new OpenAI({ apiKey: BENCH_KEYS.openai, baseURL: deployment.baseUrl, maxRetries: 0 })
        : new AzureOpenAI({ apiKey: BENCH_KEYS.azure, endpoint: deployment.endpoint, apiVersion: '2024-10-21', deployment: deployment.deployment, maxRetries: 0 }));
      const stream = await client.chat.completions.create({ model: deployment.model, messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) mark(chunk.choices[0]?.delta?.content);
      break;
    }
    case 'bedrock': {
      const client = clientFor(deployment, () => new BedrockRuntimeClient({ region: deployment.region, endpoint: deployment.endpoint, credentials: BENCH_KEYS.aws, maxAttempts: 1 }));
      const response = await client.send(new ConverseStreamCommand({ modelId: deployment.model, messages: [{ role: 'user', content: [{ text: PROMPT }] }] }));
      for await (const event of response.stream ?? []) mark(event.contentBlockDelta?.delta?.text);
      break;
    }
    case 'gemini': {
      const ai = clientFor(deployment, () => new GoogleGenAI({ apiKey: BENCH_KEYS.gemini, httpOptions: { baseUrl: deployment.baseUrl, retryOptions: { attempts: 1 } } }));
      const stream = await ai.models.generateContentStream({ model: deployment.model, contents: PROMPT });
      for await (const chunk of stream) mark(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
      break;
    }
    default:
      throw new Error(`no raw call for ${deployment.provider}`);
  }
  return { ttftMs, totalMs: performance.now() - started };
}

/** Time to the first content bytes of an OpenAI-style SSE answer on a plain socket: no SDK, no parsing beyond a byte match. */
export function rawSocketTtft(baseUrl: string, path: string, headers: Record<string, string>, body: unknown): Promise<RawTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttftMs: number | null = null;
    const payload = JSON.stringify(body);
    const request = http.request(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers }, agent: false }, (response) => {
      response.on('data', (chunk: Buffer) => {
        // OpenAI: a delta with non-empty content; Gemini: a part with non-empty text
        if (ttftMs === null && /"(content|text)":"[^"]/.test(chunk.toString('utf8'))) ttftMs = performance.now() - started;
      });
      response.on('end', () => resolve({ ttftMs, totalMs: performance.now() - started }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}
