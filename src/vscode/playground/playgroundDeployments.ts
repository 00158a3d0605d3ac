/**
 * What the playground can run: the deployments in the settings (a workspace one listed but not run where the
 * workspace is not trusted) and the editor's own chat models.
 */
import * as vscode from 'vscode';
import { deploymentRegion, providerLabel, type Deployment } from '../../core/config/deployment';
import { refusal } from '../../core/security/trust';
import type { DeploymentView } from '../../protocol';
import { editorChatModels, editorModelId, editorModelView } from '../chat/editorChatModels';
import type { DeploymentSettings } from '../deployments/deploymentSettings';

export class PlaygroundDeployments {
  private editorModels: vscode.LanguageModelChat[] = [];

  constructor(private readonly settings: DeploymentSettings) {}

  /** Asks the editor again which chat models it has. */
  async refreshEditorModels(): Promise<void> {
    this.editorModels = await editorChatModels();
  }

  /** Every deployment as the webview lists it. */
  views(): DeploymentView[] {
    return [...this.cloudViews(), ...this.editorModels.map(editorModelView)];
  }

  /** The deployments in the settings, by id. */
  byId(): Map<string, Deployment> {
    return new Map(this.settings.deployments.map((deployment) => [deployment.id, deployment]));
  }

  /** The cloud deployments and editor models these ids name (ids no longer known are left out). */
  async pick(ids: readonly string[]): Promise<{ deployments: Deployment[]; editorModels: vscode.LanguageModelChat[] }> {
    const known = this.byId();
    const deployments = ids.map((id) => known.get(id)).filter((deployment): deployment is Deployment => deployment !== undefined);
    if (ids.some((id) => id.startsWith('lm:') && !this.editorModels.some((model) => editorModelId(model) === id))) await this.refreshEditorModels();
    return { deployments, editorModels: this.editorModels.filter((model) => ids.includes(editorModelId(model))) };
  }

  private cloudViews(): DeploymentView[] {
    return this.settings.deployments.map((deployment) => {
      const source = this.settings.sourceOf(deployment.id);
      const refused = refusal(deployment, source, vscode.workspace.isTrusted);
      return {
        id: deployment.id,
        provider: deployment.provider,
        providerLabel: providerLabel(deployment.provider),
        model: deployment.model,
        region: deploymentRegion(deployment),
        runnable: refused === null,
        note: refused ?? (source === 'workspace' ? 'from .vscode/fanout.json' : null),
      };
    });
  }
}
