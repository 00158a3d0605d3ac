/**
 * The editor's fallback chains: a deployment and the fallbacks it names, cut where the trust rules stop it (a
 * workspace file may name only deployments it may run), and "Fanout: Test Fallbacks", the drill that makes each
 * deployment of a chain fail in turn (nothing is sent to the failing ones) and shows who would answer.
 */
import * as vscode from 'vscode';
import type { Deployment } from '../../core/config/deployment';
import { fallbackChain } from '../../core/engine/fallback';
import { describeScenario, drillFallbacks } from '../../core/engine/fallbackDrill';
import { fallbackRefusal } from '../../core/security/trust';
import { loadAdapter } from '../../providers/registry';
import type { ExtensionCredentials } from '../credentials/credentials';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { Disposable } from '../platform/disposable';
import { engineOptions } from '../platform/engineOptions';
import type { Log } from '../platform/log';

/** The chain to run, and why it stops short of what the config names (null when it does not). */
export function editorChain(settings: DeploymentSettings, deployment: Deployment, trusted: boolean): { chain: Deployment[]; cut: string | null } {
  const named = fallbackChain(deployment, settings.deployments);
  const from = { id: deployment.id, source: settings.sourceOf(deployment.id) };
  for (const [index, next] of named.entries()) {
    if (index === 0) continue;
    const refused = fallbackRefusal(from, { deployment: next, source: settings.sourceOf(next.id) }, trusted);
    if (refused) return { chain: named.slice(0, index), cut: refused };
  }
  const missing = (deployment.fallbacks ?? []).filter((id) => !named.some((candidate) => candidate.id === id));
  return { chain: named, cut: missing.length ? `"${deployment.id}" names ${missing.map((id) => `"${id}"`).join(', ')} as fallback, which is not configured.` : null };
}

export class FallbackDrill extends Disposable {
  /** The last drill's lines, for the log and tests. */
  lastReport: string[] = [];

  constructor(private readonly settings: DeploymentSettings, private readonly credentials: ExtensionCredentials, private readonly log: Log) {
    super();
    this.register(vscode.commands.registerCommand('fanout.testFallbacks', (id?: unknown) => this.run(typeof id === 'string' ? id : undefined)));
  }

  async run(id?: string): Promise<string[] | undefined> {
    const withChains = this.settings.deployments.filter((deployment) => deployment.fallbacks?.length);
    if (!withChains.length) {
      void vscode.window.showInformationMessage('Fanout: no deployment names "fallbacks" yet. Add e.g. "fallbacks": ["other-id"] to a deployment.', 'Open Settings')
        .then((choice) => (choice ? vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'fanout.deployments', edit: true } }) : undefined));
      return undefined;
    }
    const chosenId = id ?? (await vscode.window.showQuickPick(withChains.map((deployment) => ({ label: deployment.id, description: `→ ${deployment.fallbacks!.join(' → ')}` })), { title: 'Fanout: Test Fallbacks', placeHolder: 'The chain to drill: each deployment fails in turn, on purpose' }))?.label;
    const deployment = this.settings.deployments.find((candidate) => candidate.id === chosenId);
    if (!deployment) return undefined;
    const { chain, cut } = editorChain(this.settings, deployment, vscode.workspace.isTrusted);
    const scenarios = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fanout: drilling ${chain.map((item) => item.id).join(' → ')}`, cancellable: true }, async (_progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await drillFallbacks(chain, { loadAdapter, credentials: this.credentials, signal: controller.signal, ...(await engineOptions()) });
      } finally {
        cancel.dispose();
      }
    });
    this.lastReport = [...scenarios.map(describeScenario), ...(cut ? [`The chain stops early: ${cut}`] : [])];
    for (const line of this.lastReport) this.log.info(`fallback drill: ${line}`);
    const every = scenarios.slice(0, -1).every((scenario) => scenario.answeredBy);
    const document = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: `# Fallback drill: ${chain.map((item) => `\`${item.id}\``).join(' → ')}\n\nEach row makes the first deployments fail on purpose (no request is sent to them) and really calls the next one with a tiny prompt.\n\n${this.lastReport.map((line) => `- ${line}`).join('\n')}\n\n${every ? 'Every fallback answered.' : 'A fallback did not answer: fix it before an outage needs it.'}\n`,
    });
    await vscode.window.showTextDocument(document, { preview: true });
    return this.lastReport;
  }
}
