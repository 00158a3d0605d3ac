/**
 * "Fanout: Test Connection": a tiny request to one deployment or all of them, showing for each whether it answered,
 * how long it took, and which credential from where was used — or exactly which one failed.
 */
import * as vscode from 'vscode';
import type { CredentialResolver } from '../../core/security/credential';
import { providerLabel } from '../../core/config/deployment';
import { runFanout, type DeploymentResult } from '../../core/engine/fanout';
import { loadAdapter } from '../../providers/registry';
import { actionsFor, repairSignIn } from '../playground/columnActions';
import type { DeploymentSettings } from './deploymentSettings';
import type { Log } from '../platform/log';

const ALL = '$(checklist) All deployments';

export async function testConnection(settings: DeploymentSettings, credentials: CredentialResolver, log: Log, target?: string, onResults?: (runId: string, results: readonly DeploymentResult[], source: string) => Promise<void>): Promise<DeploymentResult[]> {
  if (settings.deployments.length === 0) {
    void vscode.window.showInformationMessage('Fanout: no deployments to test yet. Add them with "Fanout: Add Deployment".');
    return [];
  }
  let chosen = target;
  if (!chosen) {
    const items = [{ label: ALL, id: 'all' }, ...settings.deployments.map((deployment) => ({ label: deployment.id, description: `${providerLabel(deployment.provider)} · ${deployment.model}`, id: deployment.id }))];
    chosen = (await vscode.window.showQuickPick(items, { title: 'Fanout: Test Connection', placeHolder: 'Sends a one-word prompt; costs a few tokens' }))?.id;
    if (!chosen) return [];
  }
  const deployments = chosen === 'all' ? [...settings.deployments] : settings.deployments.filter((deployment) => deployment.id === chosen);
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fanout: testing ${deployments.length} connection(s)` }, () =>
    runFanout({ messages: [{ role: 'user', content: 'Reply with the word OK.' }], params: { maxTokens: 16 } }, deployments, {
      loadAdapter, credentials, timeoutMs: 30_000, firstByteTimeoutMs: 20_000, retry: { maxRetries: 0 },
    }));
  await onResults?.(`test-${Date.now()}`, results, 'test');
  for (const result of results) {
    log.info(`test connection ${result.deployment}: ${result.status} in ${result.metrics.totalMs ?? '—'} ms, credential ${result.credentialSource ?? 'none'} (${result.credentialMs} ms)${result.error ? `: ${result.error.kind}: ${result.error.message}` : ''}`);
  }
  const items = results.map((result) => ({
    label: `${result.status === 'ok' ? '$(pass)' : '$(error)'} ${result.deployment}`,
    description: result.status === 'ok'
      ? `answered in ${Math.round(result.metrics.totalMs ?? 0)} ms (first token ${Math.round(result.metrics.ttftMs ?? 0)} ms)`
      : `${result.error?.kind ?? result.status}`,
    detail: result.status === 'ok'
      ? `credential: ${result.credentialSource ?? 'none'}${result.credentialMs > 1 ? ` (looked up in ${Math.round(result.credentialMs)} ms)` : ''}`
      : `${result.error?.message ?? ''}${result.credentialSource ? ` — credential: ${result.credentialSource}` : ''}`,
    result,
  }));
  const failed = results.filter((result) => result.status !== 'ok').length;
  void vscode.window.showQuickPick(items, { title: `Fanout: ${results.length - failed} of ${results.length} connected`, placeHolder: failed ? 'Pick a failed one to fix it' : 'All deployments answered' })
    .then(async (picked) => {
      if (!picked || picked.result.status === 'ok') return;
      const deployment = settings.deployments.find((candidate) => candidate.id === picked.result.deployment);
      const [fix] = actionsFor(picked.result, deployment);
      if (fix?.action === 'setApiKey') await vscode.commands.executeCommand('fanout.setApiKey', picked.result.deployment);
      else if (fix?.action === 'repair' && deployment) repairSignIn(deployment);
      else if (fix?.action === 'openSettings') await vscode.commands.executeCommand('fanout.editDeployments');
      else log.show();
    });
  return results;
}
