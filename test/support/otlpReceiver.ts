/**
 * A loopback OTLP/HTTP collector for tests: records every export (path, content type, headers, body) and decodes
 * it, JSON or protobuf, into one plain shape (spans with their attributes; metric data points), so both protocols
 * are checked by the same assertions. `mode: 'slow'` never answers; a closed port stands for a collector that is down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Export {
  path: string;
  contentType: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Value = string | number | boolean | Value[] | null;
export interface DecodedSpan { name: string; kind: number; startNs: bigint; endNs: bigint; attributes: Record<string, Value>; statusCode: number }
export interface DecodedPoint { metric: string; unit: string; attributes: Record<string, Value>; sum: number; count: number | null }

export class OtlpReceiver {
  readonly exports: Export[] = [];
  private server: Server | null = null;
  url = '';
  constructor(private readonly mode: 'ok' | 'slow' = 'ok') {}

  async start(): Promise<this> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.exports.push({ path: request.url ?? '', contentType: String(request.headers['content-type'] ?? ''), headers: request.headers, body: Buffer.concat(chunks) });
        if (this.mode === 'slow') return; // never answers: the exporter's timeout must end the wait
        const protobuf = String(request.headers['content-type']).includes('protobuf');
        response.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' });
        response.end(protobuf ? Buffer.alloc(0) : '{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  spans(): DecodedSpan[] {
    return this.exports.filter((item) => item.path === '/v1/traces').flatMap((item) => (item.contentType.includes('protobuf') ? protobufSpans(item.body) : jsonSpans(item.body)));
  }

  points(): DecodedPoint[] {
    return this.exports.filter((item) => item.path === '/v1/metrics').flatMap((item) => (item.contentType.includes('protobuf') ? protobufPoints(item.body) : jsonPoints(item.body)));
  }
}

// ── JSON (OTLP/HTTP JSON: camelCase fields, int64 as strings) ──
type JsonAny = { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number; arrayValue?: { values?: JsonAny[] } };
const jsonValue = (value: JsonAny): Value =>
  value.stringValue ?? value.boolValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? (value.arrayValue ? (value.arrayValue.values ?? []).map(jsonValue) : null);
const jsonAttributes = (list: Array<{ key: string; value: JsonAny }> = []): Record<string, Value> => Object.fromEntries(list.map((item) => [item.key, jsonValue(item.value)]));

function jsonSpans(body: Buffer): DecodedSpan[] {
  const document = JSON.parse(body.toString('utf8'));
  return document.resourceSpans.flatMap((resource: any) => resource.scopeSpans.flatMap((scope: any) => scope.spans.map((span: any) => ({
    name: span.name, kind: span.kind, startNs: BigInt(span.startTimeUnixNano), endNs: BigInt(span.endTimeUnixNano), attributes: jsonAttributes(span.attributes), statusCode: span.status?.code ?? 0,
  }))));
}

function jsonPoints(body: Buffer): DecodedPoint[] {
  const document = JSON.parse(body.toString('utf8'));
  return document.resourceMetrics.flatMap((resource: any) => resource.scopeMetrics.flatMap((scope: any) => scope.metrics.flatMap((metric: any) => {
    const points = metric.histogram?.dataPoints ?? metric.sum?.dataPoints ?? [];
    return points.map((point: any) => ({ metric: metric.name, unit: metric.unit, attributes: jsonAttributes(point.attributes), sum: Number(point.sum ?? point.asDouble ?? point.asInt), count: point.count !== undefined ? Number(point.count) : null }));
  })));
}

// ── protobuf: a small wire reader, enough for the OTLP messages above ──
type Field = { no: number; wire: number; varint?: bigint; bytes?: Buffer; fixed?: Buffer };
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const field: Field = { no: key >> 3, wire: key & 7 };
    if (field.wire === 0) field.varint = varint();
    else if (field.wire === 2) {
      const length = Number(varint());
      field.bytes = buffer.subarray(at, at + length);
      at += length;
    } else if (field.wire === 1) {
      field.fixed = buffer.subarray(at, at + 8);
      at += 8;
    } else if (field.wire === 5) {
      field.fixed = buffer.subarray(at, at + 4);
      at += 4;
    } else throw new Error(`unknown wire type ${field.wire}`);
    out.push(field);
  }
  return out;
}
const all = (buffer: Buffer, no: number): Buffer[] => fields(buffer).filter((field) => field.no === no && field.bytes).map((field) => field.bytes!);
const one = (buffer: Buffer, no: number): Field | undefined => fields(buffer).find((field) => field.no === no);
const text = (buffer: Buffer, no: number): string => one(buffer, no)?.bytes?.toString('utf8') ?? '';

function anyValue(buffer: Buffer): Value {
  const field = fields(buffer)[0];
  if (!field) return null;
  switch (field.no) {
    case 1: return field.bytes!.toString('utf8');
    case 2: return field.varint === 1n;
    case 3: return Number(BigInt.asIntN(64, field.varint!));
    case 4: return field.fixed!.readDoubleLE(0);
    case 5: return all(field.bytes!, 1).map(anyValue);
    default: return null;
  }
}
const protobufAttributes = (list: Buffer[]): Record<string, Value> => Object.fromEntries(list.map((item) => [text(item, 1), anyValue(one(item, 2)?.bytes ?? Buffer.alloc(0))]));

function protobufSpans(body: Buffer): DecodedSpan[] {
  return all(body, 1).flatMap((resource) => all(resource, 2).flatMap((scope) => all(scope, 2).map((span) => ({
    name: text(span, 5),
    kind: Number(one(span, 6)?.varint ?? 0n),
    startNs: one(span, 7)!.fixed!.readBigUInt64LE(0),
    endNs: one(span, 8)!.fixed!.readBigUInt64LE(0),
    attributes: protobufAttributes(all(span, 9)),
    statusCode: Number(one(one(span, 15)?.bytes ?? Buffer.alloc(0), 3)?.varint ?? 0n),
  }))));
}

function protobufPoints(body: Buffer): DecodedPoint[] {
  return all(body, 1).flatMap((resource) => all(resource, 2).flatMap((scope) => all(scope, 2).flatMap((metric): DecodedPoint[] => {
    const name = text(metric, 1);
    const unit = text(metric, 3);
    const histogram = one(metric, 9)?.bytes;
    if (histogram) {
      return all(histogram, 1).map((point) => ({ metric: name, unit, attributes: protobufAttributes(all(point, 9)), sum: one(point, 5)!.fixed!.readDoubleLE(0), count: Number(one(point, 4)!.fixed!.readBigUInt64LE(0)) }));
    }
    const sum = one(metric, 7)?.bytes;
    return sum ? all(sum, 1).map((point) => {
      const asDouble = one(point, 4)?.fixed;
      return { metric: name, unit, attributes: protobufAttributes(all(point, 7)), sum: asDouble ? asDouble.readDoubleLE(0) : Number(BigInt.asIntN(64, one(point, 6)!.fixed!.readBigUInt64LE(0))), count: null };
    }) : [];
  })));
}
