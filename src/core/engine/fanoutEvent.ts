/** What a fan-out reports while it runs, in order for each deployment: start, retries and parts, result. */
import type { DeploymentResult } from './deploymentResult';
import type { ProviderError, StreamPart } from '../request/stream';

export type FanoutEvent =
  | { type: 'start'; deployment: string }
  | { type: 'retry'; deployment: string; attempt: number; delayMs: number; error: ProviderError }
  | { type: 'part'; deployment: string; part: StreamPart; atMs: number }
  | { type: 'result'; result: DeploymentResult };
