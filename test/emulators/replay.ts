/**
 * Replays real recorded responses (test/fixtures/recorded) on loopback, each in its cloud's own framing, so the
 * official SDKs read them as they would the cloud:
 * - OpenAI-wire (`…/chat/completions`, Azure's deployment route too): `data: <chunk>\n\n` … `data: [DONE]\n\n`;
 * - the Responses API (`/v1/responses`, Azure's `/openai/v1/responses`): `event: <chunk.type>\ndata: <chunk>\n\n`, no [DONE];
 * - Gemini (`…/models/M:streamGenerateContent`): `data: <chunk>\r\n\r\n`, no [DONE];
 * - Bedrock (`/model/M/converse-stream`, HTTP/1.1 or cleartext HTTP/2): one event-stream frame per chunk, its
 *   `:event-type` the chunk's top-level key and its payload that key's value.
 * Which recording answers is chosen by the model (or Azure deployment) the request names. Any credentials are
 * accepted: replay is about what comes back, the emulators check how requests are signed.
 */
import { readFileSync } from 'node:fs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { Emulator, LoopbackServer, head, sendJson, write, type EmulatorResponse } from './server';

/** One recorded response: its chunks as the cloud sent them (the raw JSON text of each, and parsed). */
export interface Recording {
  lines: string[];
  chunks: unknown[];
}

/** Reads a `*.chunks.txt` file: one JSON value a line, blank lines skipped. */
export function loadRecording(file: string): Recording {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  return { lines, chunks: lines.map((line) => JSON.parse(line) as unknown) };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

type Wire = 'openai' | 'responses' | 'gemini' | 'bedrock';

export class ReplayServer extends Emulator {
  readonly server: LoopbackServer;
  private readonly recordings = new Map<string, Recording>();

  constructor() {
    super();
    this.server = new LoopbackServer((request, response, body) => this.handle(request.method ?? 'GET', request.url ?? '/', response, body), { http2: true });
  }

  /** Answers requests that name `model` (a model id, or an Azure deployment name) with `recording`. */
  serve(model: string, recording: Recording): this {
    this.recordings.set(model, recording);
    return this;
  }

  private async handle(method: string, rawUrl: string, response: EmulatorResponse, body: Buffer): Promise<void> {
    const route = routeOf(method, rawUrl, body);
    if (!route) {
      sendJson(response, 404, { error: { message: `no replay route for ${method} ${rawUrl}` } });
      return;
    }
    const recording = this.recordings.get(route.model);
    if (!recording) {
      sendJson(response, 404, { error: { message: `no recording for model "${route.model}"` } });
      return;
    }
    switch (route.wire) {
      case 'openai':
        head(response, 200, { 'content-type': 'text/event-stream' });
        for (const line of recording.lines) write(response, `data: ${line}\n\n`);
        write(response, 'data: [DONE]\n\n');
        break;
      case 'responses':
        head(response, 200, { 'content-type': 'text/event-stream; charset=utf-8' });
        for (const [index, line] of recording.lines.entries()) write(response, `event: ${(recording.chunks[index] as { type: string }).type}\ndata: ${line}\n\n`);
        break;
      case 'gemini':
        head(response, 200, { 'content-type': 'text/event-stream' });
        for (const line of recording.lines) write(response, `data: ${line}\r\n\r\n`);
        break;
      case 'bedrock':
        head(response, 200, { 'content-type': 'application/vnd.amazon.eventstream' });
        for (const chunk of recording.chunks) write(response, bedrockFrame(chunk));
        break;
    }
    response.end();
  }
}

/** Which wire a request speaks and which model it names; null for a route no cloud has. */
function routeOf(method: string, rawUrl: string, body: Buffer): { wire: Wire; model: string } | null {
  if (method !== 'POST') return null;
  const path = new URL(rawUrl, 'http://127.0.0.1').pathname;
  const bedrock = /^\/model\/([^/]+)\/converse-stream$/.exec(path);
  if (bedrock) return { wire: 'bedrock', model: decodeURIComponent(bedrock[1]!) };
  const gemini = /\/models\/([^/:]+):streamGenerateContent$/.exec(path);
  if (gemini) return { wire: 'gemini', model: decodeURIComponent(gemini[1]!) };
  const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
  if (azure) return { wire: 'openai', model: decodeURIComponent(azure[1]!) };
  const openaiWire = path.endsWith('/chat/completions') ? 'openai' : /^\/(v1|openai\/v1)\/responses$/.test(path) ? 'responses' : null;
  if (openaiWire) {
    const model = (JSON.parse(body.toString('utf8')) as { model?: unknown }).model;
    return typeof model === 'string' ? { wire: openaiWire, model } : null;
  }
  return null;
}

/** A recorded ConverseStream event (`{contentBlockDelta: {...}}`) as the binary frame Bedrock sends. */
function bedrockFrame(chunk: unknown): Uint8Array {
  const entries = Object.entries(chunk as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`a Bedrock event has one top-level key, this has ${entries.length}`);
  const [type, payload] = entries[0]!;
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}
