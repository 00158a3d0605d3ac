/** What the attempts of one deployment's run share once its credential and adapter are in hand. */
import type { ProviderAdapter, ProviderCall } from './adapter';
import type { Clock } from './clock';
import type { FanoutEvent } from './fanoutEvent';
import type { RunLimits } from './fanoutOptions';
import type { RunCancellation } from './runCancellation';
import type { RunRecord } from './runRecord';

export interface DeploymentRun {
  adapter: ProviderAdapter;
  /** Every attempt sends this call, each with its own signal. */
  call: Omit<ProviderCall, 'signal'>;
  record: RunRecord;
  cancellation: RunCancellation;
  limits: RunLimits;
  clock: Clock;
  /** When the first attempt was sent: ttft, part times and the total count from here. */
  sentAt: number;
  emit: (event: FanoutEvent) => void;
}
