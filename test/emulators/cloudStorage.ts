/**
 * The Cloud Storage JSON API as Vertex AI batch jobs and the official SDKs use it, in memory: uploads (media,
 * multipart and resumable), object metadata, listing by prefix (paged), downloads (`alt=media`), and its errors — a
 * bucket that does not exist (404 "The specified bucket does not exist.") and one the caller may not use (403 naming
 * the missing permission). Served on the Google emulator's port; the caller has checked the bearer token.
 */
import { createHash, randomUUID } from 'node:crypto';
import { drop, head, sendJson, type EmulatorResponse } from './server';

interface StoredObject {
  data: Buffer;
  contentType: string;
  generation: string;
  updated: string;
}

interface ResumableSession {
  bucket: string;
  name: string;
  contentType: string;
  chunks: Buffer[];
}

export class StorageEmulator {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly sessions = new Map<string, ResumableSession>();
  /** Buckets that answer 403: the signed-in account has no access to them. */
  readonly forbidden = new Set<string>();
  /** Objects listed per page (small in tests, to exercise paging). */
  pageSize = 1000;
  /** Uploads whose connection is cut before any answer (as a server closing a kept-alive connection does). */
  resetUploads = 0;

  constructor(private readonly baseUrl: () => string) {}

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** Writes an object (as a job writing its output does). */
  put(bucket: string, name: string, data: string | Buffer, contentType = 'application/octet-stream'): void {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`no bucket ${bucket}`);
    objects.set(name, { data: Buffer.from(data), contentType, generation: String(Date.now() * 1000 + objects.size), updated: new Date().toISOString() });
  }

  get(bucket: string, name: string): Buffer | undefined {
    return this.buckets.get(bucket)?.get(name)?.data;
  }

  names(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  /** Serves the request when it is a Cloud Storage one; false otherwise. */
  handle(method: string, url: URL, headers: Record<string, string | undefined>, body: Buffer, response: EmulatorResponse): boolean {
    const path = url.pathname;
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    const object = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    const objects = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    const bucketOnly = /^\/storage\/v1\/b\/([^/]+)$/.exec(path);
    if (upload) {
      const bucket = decodeURIComponent(upload[1]!);
      if (this.resetUploads > 0) {
        this.resetUploads--;
        drop(response);
        return true;
      }
      if (method === 'PUT' || url.searchParams.has('upload_id')) return this.resumableChunk(url.searchParams.get('upload_id') ?? '', headers, body, response), true;
      if (!this.allowed(bucket, 'storage.objects.create', response)) return true;
      this.startUpload(bucket, url, headers, body, response);
      return true;
    }
    if (object && method === 'GET') {
      const bucket = decodeURIComponent(object[1]!);
      const name = decodeURIComponent(object[2]!);
      if (!this.allowed(bucket, 'storage.objects.get', response)) return true;
      const found = this.buckets.get(bucket)!.get(name);
      if (!found) return storageError(response, 404, `No such object: ${bucket}/${name}`, 'notFound'), true;
      if (url.searchParams.get('alt') === 'media') {
        head(response, 200, { 'content-type': found.contentType, 'content-length': String(found.data.length), 'x-goog-generation': found.generation });
        response.end(found.data);
      } else {
        sendJson(response, 200, this.resource(bucket, name, found));
      }
      return true;
    }
    if (objects && method === 'GET') {
      const bucket = decodeURIComponent(objects[1]!);
      if (!this.allowed(bucket, 'storage.objects.list', response)) return true;
      this.list(bucket, url, response);
      return true;
    }
    if (bucketOnly && method === 'GET') {
      const bucket = decodeURIComponent(bucketOnly[1]!);
      if (!this.allowed(bucket, 'storage.buckets.get', response)) return true;
      sendJson(response, 200, { kind: 'storage#bucket', id: bucket, name: bucket, location: 'US-CENTRAL1', storageClass: 'STANDARD', timeCreated: '2026-01-01T00:00:00.000Z' });
      return true;
    }
    return false;
  }

  /** 404 for a bucket that does not exist, 403 for one the caller may not use; true when it may go on. */
  private allowed(bucket: string, permission: string, response: EmulatorResponse): boolean {
    if (this.forbidden.has(bucket)) {
      storageError(response, 403, `fanout-emulated@fanout-emulated.iam.gserviceaccount.com does not have ${permission} access to the Google Cloud Storage bucket. Permission '${permission}' denied on resource (or it may not exist).`, 'forbidden');
      return false;
    }
    if (!this.buckets.has(bucket)) {
      storageError(response, 404, 'The specified bucket does not exist.', 'notFound');
      return false;
    }
    return true;
  }

  private startUpload(bucket: string, url: URL, headers: Record<string, string | undefined>, body: Buffer, response: EmulatorResponse): void {
    const type = url.searchParams.get('uploadType');
    if (type === 'media') {
      const name = url.searchParams.get('name');
      if (!name) return storageError(response, 400, 'Required parameter: name', 'required');
      return this.finish(bucket, name, body, headers['content-type'] ?? 'application/octet-stream', response);
    }
    if (type === 'multipart') {
      const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
      const parts = boundary ? multipartParts(body, boundary) : [];
      if (parts.length < 2) return storageError(response, 400, 'Invalid multipart request with 0 mime parts.', 'invalid');
      const metadata = JSON.parse(parts[0]!.body.toString('utf8')) as { name?: string; contentType?: string };
      const name = metadata.name ?? url.searchParams.get('name');
      if (!name) return storageError(response, 400, 'Required parameter: name', 'required');
      return this.finish(bucket, name, parts[1]!.body, metadata.contentType ?? parts[1]!.type ?? 'application/octet-stream', response);
    }
    if (type === 'resumable') {
      const metadata = body.length ? JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string } : {};
      const name = metadata.name ?? url.searchParams.get('name');
      if (!name) return storageError(response, 400, 'Required parameter: name', 'required');
      const id = randomUUID();
      this.sessions.set(id, { bucket, name, contentType: metadata.contentType ?? headers['x-upload-content-type'] ?? 'application/octet-stream', chunks: [] });
      head(response, 200, { location: `${this.baseUrl()}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`, 'content-length': '0' });
      response.end();
      return;
    }
    storageError(response, 400, `Invalid upload type: ${type}`, 'invalid');
  }

  // A resumable session's request (Content-Range): "bytes */TOTAL or */*" asks how much has arrived (308 with its
  // Range); "bytes A-B/TOTAL" is a chunk, the last once TOTAL is reached; "bytes A-B/*" a chunk of an upload of
  // unknown size; "bytes A-*/*" the rest of it in this one request.
  private resumableChunk(id: string, headers: Record<string, string | undefined>, body: Buffer, response: EmulatorResponse): void {
    const session = this.sessions.get(id);
    if (!session) return storageError(response, 404, 'No such upload session.', 'notFound');
    session.chunks.push(body);
    const received = Buffer.concat(session.chunks);
    const range = headers['content-range'] ?? '';
    const total = /\/(\d+)$/.exec(range)?.[1];
    if ((total !== undefined && received.length >= Number(total)) || /^bytes \d+-\*\/\*$/.test(range) || (!range && body.length)) {
      this.sessions.delete(id);
      return this.finish(session.bucket, session.name, received, session.contentType, response);
    }
    head(response, 308, { ...(received.length ? { range: `bytes=0-${received.length - 1}` } : {}), 'content-length': '0' });
    response.end();
  }

  private finish(bucket: string, name: string, data: Buffer, contentType: string, response: EmulatorResponse): void {
    this.put(bucket, name, data, contentType);
    sendJson(response, 200, this.resource(bucket, name, this.buckets.get(bucket)!.get(name)!));
  }

  private list(bucket: string, url: URL, response: EmulatorResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter');
    const size = Math.min(Number(url.searchParams.get('maxResults') ?? this.pageSize) || this.pageSize, this.pageSize);
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    const matching = this.names(bucket).filter((name) => name.startsWith(prefix));
    const prefixes = new Set<string>();
    const items = matching.filter((name) => {
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) prefixes.add(name.slice(0, cut + delimiter!.length));
      return cut < 0;
    });
    const page = items.slice(start, start + size);
    const objects = this.buckets.get(bucket)!;
    sendJson(response, 200, {
      kind: 'storage#objects',
      ...(start + size < items.length ? { nextPageToken: String(start + size) } : {}),
      ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
      ...(page.length ? { items: page.map((name) => this.resource(bucket, name, objects.get(name)!)) } : {}),
    });
  }

  private resource(bucket: string, name: string, object: StoredObject): Record<string, unknown> {
    const encoded = encodeURIComponent(name);
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${object.generation}`,
      selfLink: `${this.baseUrl()}/storage/v1/b/${bucket}/o/${encoded}`,
      mediaLink: `${this.baseUrl()}/download/storage/v1/b/${bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
      name,
      bucket,
      generation: object.generation,
      metageneration: '1',
      contentType: object.contentType,
      storageClass: 'STANDARD',
      size: String(object.data.length),
      md5Hash: createHash('md5').update(object.data).digest('base64'),
      crc32c: crc32c(object.data),
      etag: createHash('md5').update(object.generation).digest('base64').slice(0, 12),
      timeCreated: object.updated,
      updated: object.updated,
    };
  }
}

/** Cloud Storage's error shape: `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}`. */
export function storageError(response: EmulatorResponse, status: number, message: string, reason: string): void {
  sendJson(response, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

function multipartParts(body: Buffer, boundary: string): Array<{ type: string | undefined; body: Buffer }> {
  const text = body.toString('latin1');
  return text.split(`--${boundary}`).slice(1).filter((part) => !part.startsWith('--')).map((part) => {
    const split = part.indexOf('\r\n\r\n');
    const headers = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    return { type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1], body: Buffer.from(content, 'latin1') };
  });
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  return crc >>> 0;
});

/** CRC32C (Castagnoli) of the bytes, base64 of its four big-endian bytes, as Cloud Storage reports it. */
function crc32c(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
