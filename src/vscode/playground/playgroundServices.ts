/** What the playground needs from the rest of the extension, handed in as one object. */
import type * as vscode from 'vscode';
import type { CredentialResolver } from '../../core/security/credential';
import type { DeploymentResult } from '../../core/engine/fanout';
import type { HistoryStore } from '../../core/storage/history';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import type { Log } from '../platform/log';
import type { OutputDocuments } from './outputDocuments';

export interface PlaygroundServices {
  extensionUri: vscode.Uri;
  settings: DeploymentSettings;
  credentials: CredentialResolver;
  history: HistoryStore;
  historyEnabled: () => boolean;
  globalState: vscode.Memento;
  outputs: OutputDocuments;
  log: Log;
  redact: (text: string) => string;
  /** Every finished run's results: spend is recorded and credential health noted. */
  onResults: (runId: string, results: readonly DeploymentResult[], source: string) => Promise<void>;
}
