/**
 * Owns the one playground panel: opens or reveals it, brings it back after a window reload (serializer),
 * and clears the history on request.
 */
import * as vscode from 'vscode';
import { Disposable } from '../platform/disposable';
import { PLAYGROUND_VIEW_TYPE, PlaygroundPanel, imagesFolder } from './playgroundPanel';
import type { PlaygroundServices } from './playgroundServices';

export class Playground extends Disposable {
  private panel: PlaygroundPanel | undefined;

  constructor(private readonly services: PlaygroundServices) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel) => {
        this.adopt(webviewPanel, true);
      },
    }));
  }

  /** The open panel, for tests and commands. */
  get current(): PlaygroundPanel | undefined {
    return this.panel;
  }

  open(): PlaygroundPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const webviewPanel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, 'Fanout Playground', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.services.extensionUri, 'media'), imagesFolder(this.services)],
    });
    return this.adopt(webviewPanel);
  }

  private adopt(webviewPanel: vscode.WebviewPanel, restored = false): PlaygroundPanel {
    const panel = new PlaygroundPanel(webviewPanel, this.services, restored);
    this.panel = panel;
    panel.onDidClose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    return panel;
  }

  async clearHistory(): Promise<void> {
    const choice = await vscode.window.showWarningMessage('Fanout: delete every saved run from the history?', { modal: true }, 'Delete');
    if (choice !== 'Delete') return;
    await this.services.history.clear();
    this.services.log.info('history cleared');
    void vscode.window.showInformationMessage('Fanout: history cleared.');
  }

  override dispose(): void {
    this.panel?.panel.dispose();
    super.dispose();
  }
}
