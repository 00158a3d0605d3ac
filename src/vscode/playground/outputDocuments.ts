/** Read-only virtual documents holding column outputs, so VS Code's own diff editor can compare two of them. */
import * as vscode from 'vscode';
import type { DeploymentResult } from '../../core/engine/fanout';

export const OUTPUT_SCHEME = 'fanout-output';

export class OutputDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this);

  put(result: DeploymentResult): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${result.deployment}/${result.model.replace(/[^\w.-]+/g, '_')}.md`, query: String(this.texts.size) });
    this.texts.set(uri.toString(), result.text);
    if (this.texts.size > 200) this.texts.delete(this.texts.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
