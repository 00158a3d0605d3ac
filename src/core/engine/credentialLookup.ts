/** Gets a deployment's credential and times it apart (SSO, Entra, ADC can take seconds; that is never ttft). */
import type { Deployment } from '../config/deployment';
import type { CredentialResolver, CredentialResult } from '../security/credential';
import { roundMs, type Clock } from './clock';

export interface TimedCredential {
  result: CredentialResult;
  credentialMs: number;
}

export async function lookUpCredential(resolver: CredentialResolver, deployment: Deployment, clock: Clock, signal: AbortSignal): Promise<TimedCredential> {
  const startedAt = clock.now();
  const result = await resolver.resolve(deployment, signal);
  return { result, credentialMs: roundMs(clock.now() - startedAt) };
}
