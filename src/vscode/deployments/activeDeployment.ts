/**
 * The active deployment (for every single-deployment action) and the active set (for comparing a selection):
 * the switchers, and running the editor's selection on them.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { deploymentRegion, providerLabel, type Deployment } from '../../core/config/deployment';
import { runWithFallbacks } from '../../core/engine/fallback';
import type { ChatRequest } from '../../core/request/stream';
import { loadPrices, lookupPrice } from '../../core/results/pricing';
import { formatCost, formatMs } from '../../core/results/report';
import type { SpendLedger } from '../../core/storage/ledger';
import { credentialSources, loadAdapter } from '../../providers/registry';
import type { ApiKeyStore } from '../credentials/apiKeyStore';
import { engineOptions } from '../platform/engineOptions';
import type { ExtensionCredentials } from '../credentials/credentials';
import type { DeploymentSettings } from './deploymentSettings';
import type { Log } from '../platform/log';
import type { Playground } from '../playground/playground';
import { editorChain } from '../fallbacks/fallbackChains';
import type { EditorTelemetry } from '../telemetry/editorTelemetry';

const ACTIVE_KEY = 'fanout.activeDeployment';
const ACTIVE_SET_KEY = 'fanout.activeSet';
const SETS_KEY = 'fanout.deploymentSets';

export interface ActiveServices {
  settings: DeploymentSettings;
  keys: ApiKeyStore;
  credentials: ExtensionCredentials;
  ledger: SpendLedger;
  globalState: vscode.Memento;
  playground: Playground;
  log: Log;
  /** Last known credential failure per deployment, from recent runs. */
  authFailures: Map<string, string>;
  onSpend: () => void;
  telemetry: EditorTelemetry;
  /** Said after each single-deployment answer: who answered when a fallback did, else null. */
  onAnswer: (deployment: string, fallback: string | null) => void;
}

export class ActiveDeployment {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly highlighted = new vscode.EventEmitter<string>();
  /** The switcher's highlighted deployment, as the person moves through the list (tests wait on it instead of sleeping). */
  readonly onDidHighlight = this.highlighted.event;

  constructor(private readonly services: ActiveServices) {}

  get id(): string | undefined {
    const { settings, globalState } = this.services;
    const chosen = globalState.get<string>(ACTIVE_KEY);
    return settings.deployments.find((deployment) => deployment.id === chosen)?.id ?? settings.deployments[0]?.id;
  }

  get deployment(): Deployment | undefined {
    return this.services.settings.deployments.find((deployment) => deployment.id === this.id);
  }

  async set(id: string): Promise<void> {
    await this.services.globalState.update(ACTIVE_KEY, id);
    this.changed.fire();
  }

  private async credentialState(deployment: Deployment): Promise<{ icon: string; text: string }> {
    const failure = this.services.authFailures.get(deployment.id);
    if (failure) return { icon: '$(warning)', text: 'sign-in failed last time' };
    // the first source that would answer, as the deployment's descriptor orders them
    for (const source of credentialSources(deployment)) {
      switch (source.type) {
        case 'key':
          if (await this.services.keys.get(deployment)) return { icon: '$(pass)', text: 'ready' };
          break;
        case 'entra': return { icon: '$(account)', text: 'Microsoft sign-in' };
        case 'aws': return { icon: '$(account)', text: source.profile ? `AWS profile ${source.profile}` : 'AWS default chain' };
        case 'google-adc': return { icon: '$(account)', text: 'Google sign-in' };
        case 'none': return { icon: '$(pass)', text: 'ready (no key)' };
      }
    }
    return { icon: '$(key)', text: 'needs key' };
  }

  /** The switcher: grouped by provider, with model, region, price per 1M tokens and credential state. */
  async pick(): Promise<string | undefined> {
    const deployments = this.services.settings.deployments;
    if (deployments.length === 0) {
      const choice = await vscode.window.showInformationMessage('Fanout: no deployments yet.', 'Add Deployment');
      if (choice) await vscode.commands.executeCommand('fanout.addDeployment');
      return undefined;
    }
    type Item = vscode.QuickPickItem & { id?: string };
    const items: Item[] = [];
    await loadPrices();
    for (const provider of [...new Set(deployments.map((deployment) => deployment.provider))]) {
      items.push({ label: providerLabel(provider), kind: vscode.QuickPickItemKind.Separator });
      for (const deployment of deployments.filter((candidate) => candidate.provider === provider)) {
        const state = await this.credentialState(deployment);
        const price = lookupPrice(deployment);
        const region = deploymentRegion(deployment);
        items.push({
          id: deployment.id,
          label: `${state.icon} ${deployment.id}`,
          description: [deployment.model, region].filter(Boolean).join(' · '),
          detail: `${price.found ? `$${price.rate.input} in / $${price.rate.output} out per 1M tokens` : 'no price known'} · ${state.text}${deployment.id === this.id ? ' · active' : ''}`,
          picked: deployment.id === this.id,
        });
      }
    }
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Fanout: Switch Deployment', placeHolder: `Active: ${this.id ?? 'none'}`, matchOnDescription: true,
      onDidSelectItem: (item) => {
        const id = (item as Item).id;
        if (id) this.highlighted.fire(id);
      },
    });
    if (!chosen?.id) return undefined;
    await this.set(chosen.id);
    this.services.log.info(`active deployment: ${chosen.id}`);
    return chosen.id;
  }

  get activeSet(): string[] | undefined {
    const name = this.services.globalState.get<string>(ACTIVE_SET_KEY);
    const sets = this.services.globalState.get<Record<string, string[]>>(SETS_KEY, {});
    return name ? sets[name] : undefined;
  }

  async pickSet(): Promise<string | undefined> {
    const sets = this.services.globalState.get<Record<string, string[]>>(SETS_KEY, {});
    const names = Object.keys(sets);
    if (names.length === 0) {
      void vscode.window.showInformationMessage('Fanout: no saved deployment sets yet. Save one in the playground ("Save set").');
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      [{ label: '$(list-flat) All deployments', name: '' }, ...names.map((name) => ({ label: name, description: sets[name]!.join(', '), name }))],
      { title: 'Fanout: Switch Deployment Set', placeHolder: 'The deployments "Compare Selection" sends to' });
    if (!chosen) return undefined;
    await this.services.globalState.update(ACTIVE_SET_KEY, chosen.name || undefined);
    this.changed.fire();
    return chosen.name;
  }

  /** Streams the selection's answer from the active deployment into a new editor beside. */
  async runSelection(): Promise<vscode.TextDocument | undefined> {
    const editor = vscode.window.activeTextEditor;
    const prompt = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
    if (!prompt?.trim()) {
      void vscode.window.showInformationMessage('Fanout: select the text to send first.');
      return undefined;
    }
    return this.runPrompt({ messages: [{ role: 'user', content: prompt }], params: {} }, 'selection');
  }

  /** Streams an answer from the active deployment into a new editor beside, ending with its metrics. */
  async runPrompt(request: ChatRequest, source: string): Promise<vscode.TextDocument | undefined> {
    const deployment = this.deployment;
    if (!deployment) {
      await this.pick();
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
    const output = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    let pending = '';
    let writing = Promise.resolve();
    const flush = (): void => {
      if (!pending) return;
      const text = pending;
      pending = '';
      writing = writing.then(async () => {
        await output.edit((edit) => edit.insert(document.lineAt(document.lineCount - 1).range.end, text), { undoStopBefore: false, undoStopAfter: false });
      });
    };
    const timer = setInterval(flush, 50);
    const runId = randomUUID();
    const { chain, cut } = editorChain(this.services.settings, deployment, vscode.workspace.isTrusted);
    if (cut) this.services.log.warn(`fallbacks: ${cut}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Fanout: ${deployment.id}` }, async () =>
      runWithFallbacks(request, chain, await this.services.telemetry.wrap({
        loadAdapter, credentials: this.services.credentials, ...(await engineOptions()),
        onEvent: (event) => {
          if (event.type === 'part' && event.part.type === 'text-delta') pending += event.part.text;
        },
        onFallback: (event) => this.services.log.warn(`fallback: ${event.from} failed (${event.error.kind}: ${event.error.message}); trying ${event.to}`),
      }, request, chain, deployment.id)));
    clearInterval(timer);
    flush();
    await writing;
    if (result) {
      // spend is recorded under who answered
      await this.services.ledger.recordResults(runId, [{ ...result, deployment: result.answeredBy ?? result.deployment }], source);
      this.services.onSpend();
      const fallback = result.answeredBy && result.answeredBy !== deployment.id ? result.answeredBy : null;
      this.services.onAnswer(deployment.id, fallback);
      const tried = (result.attempts ?? []).filter((attempt) => attempt.error).map((attempt) => `${attempt.deployment}: ${attempt.error!.kind}`).join('; ');
      const footer = result.status === 'ok'
        ? `\n\n---\n*${fallback ? `answered by fallback ${fallback} (${tried}) · ` : ''}${result.answeredBy ?? deployment.id} · first token ${formatMs(result.metrics.ttftMs)} · total ${formatMs(result.metrics.totalMs)} · ${result.metrics.outputTokens ?? '—'} tokens · ${formatCost(result.metrics.costUsd)}*\n`
        : `\n\n---\n*${deployment.id} failed: ${result.error?.message ?? result.status}${(result.attempts?.length ?? 0) > 1 ? ` (tried ${tried})` : ''}*\n`;
      await output.edit((edit) => edit.insert(document.lineAt(document.lineCount - 1).range.end, footer));
    }
    return document;
  }

  /** Opens the playground with the selection as its prompt and the active set (or every deployment) checked. */
  async compareSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const prompt = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const panel = this.services.playground.open();
    await panel.whenReady;
    panel.setPrompt({ prompt, selected: this.activeSet ?? this.services.settings.deployments.map((deployment) => deployment.id) });
  }

  /** The deployments a comparison goes to when nothing names them: the active set, else every deployment. */
  get compareTargets(): string[] {
    return this.activeSet ?? this.services.settings.deployments.map((deployment) => deployment.id);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
