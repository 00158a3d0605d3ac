/**
 * Registers the configured deployments as language models for VS Code's chat, so Bedrock, Vertex AI and Azure
 * models can be picked there. Asked silently, it lists only deployments it can use without asking the user
 * anything; replies stream through the same engine, and their cost is recorded like any other.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { deploymentRegion, providerLabel, type Deployment } from '../../core/config/deployment';
import type { DeploymentResult } from '../../core/engine/fanout';
import { runWithFallbacks } from '../../core/engine/fallback';
import type { ChatMessage } from '../../core/request/stream';
import { credentialSources, descriptorOf, loadAdapter } from '../../providers/registry';
import type { ApiKeyStore } from '../credentials/apiKeyStore';
import { engineOptions } from '../platform/engineOptions';
import { COGNITIVE_SERVICES_SCOPE, entraProviderId, type ExtensionCredentials } from '../credentials/credentials';
import type { DeploymentSettings } from '../deployments/deploymentSettings';
import { Disposable } from '../platform/disposable';
import { editorChain } from '../fallbacks/fallbackChains';
import type { EditorTelemetry } from '../telemetry/editorTelemetry';

export const CHAT_VENDOR = 'fanout';

type FanoutModel = vscode.LanguageModelChatInformation & { deploymentId: string };


export class ChatModels extends Disposable implements vscode.LanguageModelChatProvider<FanoutModel> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(
    private readonly settings: DeploymentSettings,
    private readonly keys: ApiKeyStore,
    private readonly credentials: ExtensionCredentials,
    private readonly onResults: (runId: string, results: readonly DeploymentResult[], source: string) => Promise<void>,
    private readonly telemetry: EditorTelemetry,
    private readonly onAnswer: (deployment: string, fallback: string | null) => void,
  ) {
    super();
    this.register(settings.onDidChange(() => this.changed.fire()));
    this.register(keys.onDidChange(() => this.changed.fire()));
  }

  /** Whether the deployment's credential can be had without asking the user (no key prompt, no sign-in dialog). */
  private async usableSilently(deployment: Deployment): Promise<boolean> {
    for (const source of credentialSources(deployment)) {
      if (source.type === 'key') {
        if (await this.keys.get(deployment)) return true;
        continue; // no key saved: the next source may still do
      }
      if (source.type === 'entra') {
        return vscode.authentication.getSession(entraProviderId(), [COGNITIVE_SERVICES_SCOPE], { silent: true }).then((session) => !!session, () => false);
      }
      return true; // profiles, ADC and keyless servers ask nothing
    }
    return false;
  }

  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions): Promise<FanoutModel[]> {
    const models: FanoutModel[] = [];
    for (const deployment of this.settings.deployments) {
      if (this.settings.sourceOf(deployment.id) !== 'user') continue; // workspace files never add models to chat
      if (options.silent && !(await this.usableSilently(deployment))) continue;
      const region = deploymentRegion(deployment);
      models.push({
        id: deployment.id,
        deploymentId: deployment.id,
        name: `${deployment.id}`,
        family: deployment.model,
        version: deployment.model,
        detail: [providerLabel(deployment.provider), region].filter(Boolean).join(' · '),
        tooltip: `${deployment.model} on ${providerLabel(deployment.provider)}${region ? ` (${region})` : ''}, through Fanout`,
        maxInputTokens: descriptorOf(deployment.provider).contextTokens ?? 128_000,
        maxOutputTokens: deployment.params?.maxTokens ?? 8192,
        capabilities: {},
      });
    }
    return models;
  }

  async provideLanguageModelChatResponse(model: FanoutModel, messages: readonly vscode.LanguageModelChatRequestMessage[], _options: vscode.ProvideLanguageModelChatResponseOptions, progress: vscode.Progress<vscode.LanguageModelResponsePart>, token: vscode.CancellationToken): Promise<void> {
    const deployment = this.settings.deployments.find((candidate) => candidate.id === model.deploymentId);
    if (!deployment) throw new Error(`Fanout: deployment "${model.deploymentId}" is no longer configured.`);
    const chat: ChatMessage[] = messages.map((message) => ({
      role: message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user',
      content: message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join(''),
    }));
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const request = { messages: chat, params: {} };
      const { chain } = editorChain(this.settings, deployment, vscode.workspace.isTrusted);
      const result = await runWithFallbacks(request, chain, await this.telemetry.wrap({
        loadAdapter, credentials: this.credentials, signal: controller.signal, ...(await engineOptions()),
        onEvent: (event) => {
          if (event.type === 'part' && event.part.type === 'text-delta' && event.part.text) progress.report(new vscode.LanguageModelTextPart(event.part.text));
        },
        // the reply says so before the fallback's answer
        onFallback: (event) => progress.report(new vscode.LanguageModelTextPart(`*${event.from} is unavailable (${event.error.kind}); answering with its fallback ${event.to}.*\n\n`)),
      }, request, chain, deployment.id));
      await this.onResults(randomUUID(), [{ ...result, deployment: result.answeredBy ?? result.deployment }], 'chat');
      this.onAnswer(deployment.id, result.answeredBy && result.answeredBy !== deployment.id ? result.answeredBy : null);
      if (result && result.status !== 'ok' && result.status !== 'cancelled') throw new Error(`Fanout (${deployment.id}): ${result.error?.message ?? result.status}`);
    } finally {
      cancel.dispose();
    }
  }

  async provideTokenCount(_model: FanoutModel, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    const value = typeof text === 'string' ? text : text.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    return Math.ceil(value.length / 4);
  }
}
