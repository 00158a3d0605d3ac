/**
 * SigV4 checked as AWS checks it: the signed headers rebuilt and the request re-signed with the stored secret (a
 * wrong secret, an unknown key, a stale date or a tampered body fail as the real services fail). Shared by the Bedrock
 * runtime, its control plane and S3. S3 signs the payload's SHA-256 in `x-amz-content-sha256` (checked against the
 * body here) and does not double-encode the path.
 */
import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EmulatorRequest } from './server';

export interface AwsKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Refusal {
  status: number;
  /** The error code (`InvalidSignatureException`, S3's `SignatureDoesNotMatch`). */
  type: string;
  message: string;
}

const FIVE_MINUTES = 5 * 60_000;

export function headerOf(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The signing service named in the Authorization header's credential scope, if any. */
export function signingServiceOf(request: EmulatorRequest): string | null {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(headerOf(request, 'authorization') ?? '')?.[1] ?? null;
}

/** Null when `request` is signed for `service` by one of `keys`; else the refusal, in the words of that service. */
export async function verifySigV4(request: EmulatorRequest, rawPath: string, body: Buffer, keys: readonly AwsKey[], service: string): Promise<SigV4Refusal | null> {
  const s3 = service === 's3';
  const header = (name: string): string | undefined => headerOf(request, name);
  const authorization = header('authorization') ?? '';
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(authorization);
  if (!parsed) return s3 ? { status: 403, type: 'AccessDenied', message: 'Access Denied' } : { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, accessKeyId, , region, signedService, signedHeaderList, signature] = parsed as unknown as string[];
  const key = keys.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!key || (key.sessionToken !== undefined && header('x-amz-security-token') !== key.sessionToken)) {
    return s3 ? { status: 403, type: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' }
      : { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  const amzDate = header('x-amz-date') ?? '';
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (Number.isNaN(signingDate.getTime())) return { status: 403, type: s3 ? 'AccessDenied' : 'IncompleteSignatureException', message: 'Date must be in ISO-8601 basic format (x-amz-date).' };
  if (Math.abs(Date.now() - signingDate.getTime()) > FIVE_MINUTES) {
    return { status: 403, type: s3 ? 'RequestTimeTooSkewed' : 'InvalidSignatureException', message: `Signature expired: ${amzDate} is now earlier than ${new Date(Date.now() - FIVE_MINUTES).toISOString().replace(/[-:]|\.\d{3}/g, '')} (5 min.)` };
  }
  const mismatch: SigV4Refusal = s3
    ? { status: 403, type: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' }
    : { status: 403, type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' };
  if (signedService !== service) return mismatch;
  if (s3) {
    // S3 refuses a request whose body is not the one it signed
    const claimed = header('x-amz-content-sha256');
    if (!claimed) return { status: 400, type: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' };
    if (claimed !== 'UNSIGNED-PAYLOAD' && claimed !== createHash('sha256').update(body).digest('hex')) {
      return { status: 400, type: 'XAmzContentSHA256Mismatch', message: 'The provided \'x-amz-content-sha256\' header does not match what was computed.' };
    }
  }
  const signedHeaders = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    // over HTTP/2 the client signed `host`, which travels as `:authority`
    const value = name === 'host' ? (header('host') ?? header(':authority')) : header(name);
    if (value === undefined) return { ...mismatch, message: `${mismatch.message} Signed header ${name} is missing.` };
    headers[name] = value;
  }
  const [path, query = ''] = rawPath.split('?');
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken ? { sessionToken: key.sessionToken } : {}) },
    region: region!,
    service,
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent; every other service encodes it once more
    uriEscapePath: !s3,
    applyChecksum: false,
  });
  const queryPairs: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const seen = queryPairs[name];
    queryPairs[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const rebuilt = new HttpRequest({
    method: request.method ?? 'POST',
    protocol: 'http:',
    hostname: headers.host?.split(':')[0] ?? '127.0.0.1',
    path: s3 ? decodeURIComponent(path!) : path!,
    query: queryPairs,
    headers,
    body,
  });
  const resigned = await signer.sign(rebuilt, { signingDate, signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]+)/.exec(String(resigned.headers.authorization ?? resigned.headers.Authorization))?.[1];
  return expected === signature ? null : mismatch;
}
