/** A small base for owners of disposables: whatever is registered after disposal is disposed at once. */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private disposed = false;
  private readonly owned: vscode.Disposable[] = [];

  protected register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.owned.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // one failing disposer must not keep the rest alive
      }
    }
  }
}
