/**
 * Amazon S3, path-style, as @aws-sdk/client-s3 speaks it with `forcePathStyle`: HeadBucket, PutObject, GetObject and
 * ListObjectsV2 on an in-memory store, SigV4 checked for service `s3` (the payload hash too), and S3's XML errors
 * (NoSuchBucket, NoSuchKey, AccessDenied). Plugged into the Bedrock emulator's port, beside the runtime and the
 * control plane: the batch tests point one `endpoint` at all three.
 */
import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { head as writeHead, type EmulatorResponse } from './server';

export interface S3Object {
  body: Buffer;
  contentType: string;
  lastModified: Date;
}

export interface S3Knobs {
  /** Buckets that exist, with their region. */
  buckets: Record<string, string>;
  /** Buckets whose owner's policy refuses the caller (403 AccessDenied on every request). */
  denied?: string[];
  /** Most keys ListObjectsV2 returns in one page (S3: 1000). */
  maxKeys?: number;
}

export class S3Store {
  readonly objects = new Map<string, Map<string, S3Object>>();
  constructor(public knobs: S3Knobs) {}

  put(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream'): void {
    if (!this.objects.has(bucket)) this.objects.set(bucket, new Map());
    this.objects.get(bucket)!.set(key, { body, contentType, lastModified: new Date() });
  }

  get(bucket: string, key: string): S3Object | undefined {
    return this.objects.get(bucket)?.get(key);
  }

  keys(bucket: string, prefix = ''): string[] {
    return [...(this.objects.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort();
  }
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

export function sendS3Error(response: EmulatorResponse, status: number, code: string, message: string, extra: Record<string, string> = {}, head = false): void {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: requestId, HostId: Buffer.from(requestId).toString('base64') })
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`;
  // a HEAD answer has no body: the SDK reads the status alone
  writeHead(response, status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...(head ? {} : { 'content-length': String(Buffer.byteLength(xml)) }) });
  if (head) response.end();
  else response.end(xml);
}

/** One S3 request (path-style: `/bucket`, `/bucket/key`), already authenticated. */
export function handleS3(store: S3Store, method: string, rawPath: string, headers: (name: string) => string | undefined, body: Buffer, response: EmulatorResponse): void {
  const [path = '/', query = ''] = rawPath.split('?');
  const slash = path.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  const head = method === 'HEAD';
  const region = store.knobs.buckets[bucket];
  if (!region) return sendS3Error(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }, head);
  if (store.knobs.denied?.includes(bucket)) return sendS3Error(response, 403, 'AccessDenied', 'Access Denied', {}, head);
  const regionHeader = { 'x-amz-bucket-region': region };
  if (!key && head) {
    writeHead(response, 200, { ...regionHeader, 'x-amz-request-id': randomUUID() });
    response.end();
    return;
  }
  const params = new URLSearchParams(query);
  if (!key && method === 'GET' && params.get('list-type') === '2') return listObjects(store, bucket, params, response);
  if (key && method === 'PUT') {
    const claimedCrc = headers('x-amz-checksum-crc32');
    if (claimedCrc && claimedCrc !== crcOf(body)) return sendS3Error(response, 400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
    store.put(bucket, key, body, headers('content-type'));
    writeHead(response, 200, { etag: `"${createHash('md5').update(body).digest('hex')}"`, ...(claimedCrc ? { 'x-amz-checksum-crc32': claimedCrc } : {}) });
    response.end();
    return;
  }
  if (key && (method === 'GET' || head)) {
    const object = store.get(bucket, key);
    if (!object) return sendS3Error(response, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, head);
    writeHead(response, 200, {
      'content-type': object.contentType,
      'content-length': String(object.body.length),
      etag: `"${createHash('md5').update(object.body).digest('hex')}"`,
      'last-modified': object.lastModified.toUTCString(),
      // what the SDK validates when it asks for checksums (x-amz-checksum-mode: ENABLED)
      ...(headers('x-amz-checksum-mode') === 'ENABLED' ? { 'x-amz-checksum-crc32': crcOf(object.body), 'x-amz-checksum-type': 'FULL_OBJECT' } : {}),
    });
    if (head) response.end();
    else response.end(object.body);
    return;
  }
  sendS3Error(response, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

function crcOf(body: Buffer): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(body) >>> 0);
  return value.toString('base64');
}

function listObjects(store: S3Store, bucket: string, params: URLSearchParams, response: EmulatorResponse): void {
  const prefix = params.get('prefix') ?? '';
  const maxKeys = Math.min(Number(params.get('max-keys') ?? 1000), store.knobs.maxKeys ?? 1000);
  const after = params.get('continuation-token') ? Buffer.from(params.get('continuation-token')!, 'base64url').toString('utf8') : params.get('start-after') ?? '';
  const keys = store.keys(bucket, prefix).filter((key) => key > after);
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const contents = page.map((key) => {
    const object = store.get(bucket, key)!;
    return `<Contents><Key>${escapeXml(key)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>&quot;${createHash('md5').update(object.body).digest('hex')}&quot;</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  }).join('');
  const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>` : '';
  const token = params.get('continuation-token') ? `<ContinuationToken>${escapeXml(params.get('continuation-token')!)}</ContinuationToken>` : '';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>${token}${next}<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}</ListBucketResult>`;
  writeHead(response, 200, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) });
  response.end(xml);
}
