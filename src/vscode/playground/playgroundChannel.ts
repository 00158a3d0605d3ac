/**
 * The way to the webview: messages wait until it has loaded and said `ready`, then go after its `init`
 * (the ready handshake). Every message is kept for tests of what reaches the webview (bounded).
 */
import type * as vscode from 'vscode';
import type { HostMessage, HostMessageOf } from '../../protocol';

const POSTED_KEPT = 5000;

export class PlaygroundChannel {
  private ready = false;
  private readonly queue: HostMessage[] = [];
  private markReady: () => void = () => {};
  /** Resolves when the webview has said `ready` and got its `init`. */
  readonly whenReady = new Promise<void>((resolve) => (this.markReady = resolve));
  /** Every message posted (but `init`), newest last. */
  readonly posted: HostMessage[] = [];

  constructor(private readonly webview: vscode.Webview) {}

  post(message: HostMessage): void {
    this.posted.push(message);
    if (this.posted.length > POSTED_KEPT) this.posted.splice(0, this.posted.length - POSTED_KEPT);
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    this.send(message);
  }

  /** The webview is ready: `init` first, then what waited for it. */
  open(init: HostMessageOf<'init'>): void {
    this.ready = true;
    this.send(init);
    for (const queued of this.queue.splice(0)) this.send(queued);
    this.markReady();
  }

  private send(message: HostMessage): void {
    // a run may finish after its panel was closed: nothing to tell then
    this.webview.postMessage(message).then(undefined, () => undefined);
  }
}
