/** The fix a failed column offers, chosen from why it failed and where its credential comes from. */
import type { Deployment } from '../core/deployment';
import type { DeploymentResult } from '../core/fanout';
import type { ColumnAction } from '../protocol';

export function actionsFor(result: DeploymentResult, deployment: Deployment | undefined): ColumnAction[] {
  if (!result.error) return [];
  const retry: ColumnAction = { action: 'retry', label: 'Retry' };
  switch (result.error.kind) {
    case 'auth':
      if (deployment?.provider === 'azure-openai' && deployment.auth === 'entra') return [{ action: 'signIn', label: 'Sign in' }, retry];
      if (deployment?.provider === 'vertex') return [{ action: 'showLog', label: 'Show details' }, retry];
      if (deployment?.provider === 'bedrock' && deployment.profile) return [{ action: 'showLog', label: 'Show details' }, retry];
      return [{ action: 'setApiKey', label: 'Set API key' }, retry];
    case 'permission':
    case 'not_found':
    case 'bad_request':
    case 'context_length':
      return [{ action: 'openSettings', label: 'Open settings' }, retry];
    case 'cancelled':
      return [{ action: 'retry', label: 'Run again' }];
    default:
      return [retry, { action: 'showLog', label: 'Show log' }];
  }
}
