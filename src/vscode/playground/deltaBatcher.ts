/**
 * Collects text deltas and sends them at most once per animation frame (about 16 ms), one message holding
 * every column's new text: a fast stream never floods the webview with a message per token.
 */
export class DeltaBatcher {
  private pending = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (chunks: Array<{ deploymentId: string; text: string }>) => void, private readonly frameMs = 16) {}

  add(deploymentId: string, text: string): void {
    this.pending.set(deploymentId, (this.pending.get(deploymentId) ?? '') + text);
    this.timer ??= setTimeout(() => this.flush(), this.frameMs);
  }

  /** Sends what is pending now (before a column's result, so text never arrives after its end). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const chunks = [...this.pending].map(([deploymentId, text]) => ({ deploymentId, text }));
    this.pending = new Map();
    this.send(chunks);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
