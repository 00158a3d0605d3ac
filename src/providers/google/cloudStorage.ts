/**
 * The few Cloud Storage JSON API calls a Vertex AI batch needs (list by prefix, upload, download), sent through
 * google-auth-library's authorised client holding the user's access token. Failures come back as ProviderErrors that
 * name the bucket, the `batch.gcsUri` field and the fix.
 */
import type { OAuth2Client } from 'google-auth-library';
import { providerError, type ProviderError } from '../../core/request/stream';

export const STORAGE_ROOT = 'https://storage.googleapis.com';

export interface GcsLocation {
  bucket: string;
  /** The folder inside the bucket, without leading or trailing "/" ("" for the bucket's root). */
  prefix: string;
}

export function parseGcsUri(uri: string): GcsLocation {
  const rest = uri.replace(/^gs:\/\//, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, prefix: '' } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1).replace(/^\/+|\/+$/g, '') };
}

export type StorageResult<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

interface StorageErrorBody {
  error?: { code?: number; message?: string };
}

export class CloudStorage {
  constructor(
    private readonly auth: OAuth2Client,
    private readonly root: string,
    private readonly fetch: typeof globalThis.fetch | undefined,
    private readonly signal: AbortSignal,
    /** Who this is for, in error texts: `deployment "v" (batch.gcsUri)`. */
    private readonly owner: string,
  ) {}

  /** Names of the objects under `prefix` (every page); `limit` stops early (the bucket check lists one). */
  async list(bucket: string, prefix: string, limit = Infinity): Promise<StorageResult<string[]>> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ prefix, ...(Number.isFinite(limit) ? { maxResults: String(limit) } : {}), ...(pageToken ? { pageToken } : {}) });
      const page = await this.call<{ items?: Array<{ name: string }>; nextPageToken?: string }>('list', bucket, { url: `${this.root}/storage/v1/b/${encodeURIComponent(bucket)}/o?${query}`, method: 'GET', responseType: 'json' });
      if (!page.ok) return page;
      names.push(...(page.value.items ?? []).map((item) => item.name));
      pageToken = page.value.nextPageToken;
    } while (pageToken && names.length < limit);
    return { ok: true, value: names };
  }

  async upload(bucket: string, name: string, body: string, contentType: string): Promise<StorageResult<void>> {
    const query = new URLSearchParams({ uploadType: 'media', name });
    const result = await this.call('write', bucket, { url: `${this.root}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?${query}`, method: 'POST', data: body, headers: { 'content-type': contentType }, responseType: 'json' });
    return result.ok ? { ok: true, value: undefined } : result;
  }

  async download(bucket: string, name: string): Promise<StorageResult<string>> {
    return this.call<string>('read', bucket, { url: `${this.root}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}?alt=media`, method: 'GET', responseType: 'text' });
  }

  private async call<T>(action: 'list' | 'write' | 'read', bucket: string, options: { url: string; method: 'GET' | 'POST'; data?: string; headers?: Record<string, string>; responseType: 'json' | 'text' }): Promise<StorageResult<T>> {
    try {
      // once more only when no answer came at all (a kept-alive connection the server had just closed): never on a status
      const retryConfig = { retry: 1, noResponseRetries: 1, statusCodesToRetry: [], httpMethodsToRetry: ['GET', 'POST'], retryDelay: 100 };
      const response = await this.auth.request<T>({ ...options, retry: true, retryConfig, signal: this.signal, ...(this.fetch ? { fetchImplementation: this.fetch } : {}) });
      return { ok: true, value: response.data };
    } catch (cause) {
      return { ok: false, error: this.failure(cause, action, bucket) };
    }
  }

  private failure(cause: unknown, action: 'list' | 'write' | 'read', bucket: string): ProviderError {
    if (this.signal.aborted || (cause as Error)?.name === 'AbortError') return providerError('cancelled', 'Cancelled.', { retryable: false });
    const response = (cause as { response?: { status?: number; data?: unknown } }).response;
    const status = response?.status ?? null;
    const body = typeof response?.data === 'string' ? safeJson(response.data) : response?.data as StorageErrorBody | undefined;
    const said = body?.error?.message ? ` Cloud Storage said: "${body.error.message.slice(0, 300)}"` : '';
    const where = `gs://${bucket} (${this.owner})`;
    if (status === 404 && /bucket/i.test(body?.error?.message ?? '')) {
      return providerError('not_found', `The Cloud Storage bucket ${where} does not exist. Create it (gcloud storage buckets create gs://${bucket}) or name an existing bucket in "batch.gcsUri".`, { status, retryable: false });
    }
    if (status === 401) return providerError('auth', `Cloud Storage rejected the Google sign-in for ${where} (401). Run: gcloud auth application-default login`, { status, retryable: false });
    if (status === 403) {
      const verb = action === 'write' ? 'write to' : action === 'read' ? 'read from' : 'list';
      return providerError('permission', `Your Google sign-in may not ${verb} ${where}.${said} Grant it "Storage Object Admin" (roles/storage.objectAdmin) on the bucket, or name a bucket it can write in "batch.gcsUri".`, { status, retryable: false });
    }
    if (status !== null) {
      return providerError(status >= 500 ? 'server' : status === 429 ? 'rate_limit' : 'unknown', `Cloud Storage failed to ${action} ${where} (${status}).${said}`, { status });
    }
    return providerError('network', `Could not reach Cloud Storage at ${this.root} for ${where}: ${((cause as Error)?.message ?? String(cause)).slice(0, 200)}. Check the network.`);
  }
}

function safeJson(text: string): StorageErrorBody | undefined {
  try {
    return JSON.parse(text) as StorageErrorBody;
  } catch {
    return undefined;
  }
}
