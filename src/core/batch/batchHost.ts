/**
 * What a host (the CLI, the editor) hands the batch core: credentials, transport, the clock polls wait on, a signal,
 * where job and case lines are written (the results file's writer), and where progress goes. No host-only
 * assumption: the editor passes its secret storage and sign-ins and shows progress its own way.
 */
import type { Deployment } from '../config/deployment';
import type { TransportOptions } from '../engine/adapter';
import type { Clock } from '../engine/clock';
import { lookUpCredential } from '../engine/credentialLookup';
import type { CaseLine } from '../evaluation/evaluationCase';
import type { ProviderError } from '../request/stream';
import type { CredentialResolver } from '../security/credential';
import type { BatchCall, BatchStatus } from './batchAdapter';
import type { BatchJobLine, BatchJobState } from './batchJobLine';

export type BatchEvent =
  | { type: 'submitted'; job: BatchJobState }
  | { type: 'status'; job: BatchJobState; status: BatchStatus }
  | { type: 'fetched'; job: BatchJobState; cases: number; missing: number }
  | { type: 'error'; deployment: string; job: string | null; error: ProviderError };

export interface BatchHost {
  credentials: CredentialResolver;
  transport: TransportOptions;
  clock: Clock;
  signal: AbortSignal;
  write(line: CaseLine | BatchJobLine): void;
  onEvent?(event: BatchEvent): void;
}

export async function callFor(deployment: Deployment, host: BatchHost): Promise<{ ok: true; call: BatchCall } | { ok: false; error: ProviderError }> {
  const { result } = await lookUpCredential(host.credentials, deployment, host.clock, host.signal);
  if (!result.ok) return result;
  return { ok: true, call: { deployment, credential: result.credential, transport: host.transport, signal: host.signal } };
}

export const isoNow = (): string => new Date().toISOString();
