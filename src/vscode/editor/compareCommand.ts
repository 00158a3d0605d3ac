/**
 * "Fanout: Compare Prompt Across Deployments": asks for a prompt (or takes the selection), lets the user pick
 * deployments, runs them all at once with a cancellable progress notification, and opens the side-by-side
 * report as a markdown document.
 */
import * as vscode from 'vscode';
import type { CredentialResolver } from '../../core/security/credential';
import { providerLabel, type Deployment } from '../../core/config/deployment';
import { randomUUID } from 'node:crypto';
import { runFanout, type DeploymentResult } from '../../core/engine/fanout';
import { checkPromptText } from '../../core/config/inputChecks';
import { formatMarkdown } from '../../core/results/report';
import { loadAdapter } from '../../providers/registry';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { engineOptions } from '../platform/engineOptions';
import type { Log } from '../platform/log';

export interface CompareServices {
  settings: DeploymentSettings;
  credentials: CredentialResolver;
  log: Log;
  onResults: (runId: string, results: readonly DeploymentResult[], source: string) => Promise<void>;
}

export async function compareCommand(services: CompareServices, prompt?: string, deploymentIds?: string[]): Promise<vscode.TextDocument | undefined> {
  const { settings, log } = services;
  if (settings.deployments.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      settings.issues.length ? 'Fanout: every deployment in your settings has a problem. Fix them first.' : 'Fanout: no deployments yet. Describe them in the "fanout.deployments" setting.',
      'Open Settings',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'fanout.deployments', edit: true } });
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const text = prompt ?? selection ?? (await vscode.window.showInputBox({
    title: 'Fanout: Compare',
    prompt: 'The prompt to send to every deployment',
    placeHolder: 'e.g. Explain the difference between TCP and UDP in two sentences',
    ignoreFocusOut: true,
    validateInput: checkPromptText,
  }));
  if (!text?.trim()) return undefined;
  const picked = deploymentIds ? settings.deployments.filter((deployment) => deploymentIds.includes(deployment.id)) : await pickDeployments(settings.deployments);
  if (!picked?.length) return undefined;

  log.info(`compare: ${picked.length} deployment(s): ${picked.map((d) => d.id).join(', ')}`);
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Fanout: comparing ${picked.length} deployments`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let done = 0;
      return runFanout({ messages: [{ role: 'user', content: text }], params: {} }, picked, {
        loadAdapter,
        credentials: services.credentials,
        signal: controller.signal,
        ...(await engineOptions()),
        onEvent: (event) => {
          if (event.type === 'retry') log.warn(`${event.deployment}: retry ${event.attempt} in ${event.delayMs} ms after ${event.error.kind}`);
          if (event.type === 'result') {
            done++;
            progress.report({ message: `${done}/${picked.length} done (${event.result.deployment}: ${event.result.status})`, increment: 100 / picked.length });
            const { result } = event;
            log.info(`${result.deployment}: ${result.status} ttft=${result.metrics.ttftMs ?? '—'}ms total=${result.metrics.totalMs ?? '—'}ms requestId=${result.requestId ?? '—'}${result.error ? ` ${result.error.kind}: ${result.error.message}` : ''}`);
          }
        },
      });
    },
  );
  await services.onResults(randomUUID(), results, 'compare');
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: formatMarkdown([results], text) });
  await vscode.window.showTextDocument(document, { preview: false });
  // the report is a table: show it rendered, full width; its source stays open in a tab
  await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => undefined);
  const failed = results.filter((result) => result.status !== 'ok');
  if (failed.length) {
    void vscode.window.showWarningMessage(`Fanout: ${failed.length} of ${results.length} deployments failed — ${failed[0]!.deployment}: ${failed[0]!.error?.message ?? failed[0]!.status}`);
  }
  return document;
}

async function pickDeployments(deployments: readonly Deployment[]): Promise<Deployment[] | undefined> {
  if (deployments.length === 1) return [...deployments];
  const items = deployments.map((deployment) => ({ label: deployment.id, description: `${providerLabel(deployment.provider)} · ${deployment.model}`, picked: true, deployment }));
  const chosen = await vscode.window.showQuickPick(items, { title: 'Fanout: deployments to compare', canPickMany: true, placeHolder: 'All are selected; uncheck any to leave out' });
  return chosen?.map((item) => item.deployment);
}
