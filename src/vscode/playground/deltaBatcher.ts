/**
 * Collects text and reasoning deltas and sends them at most once per animation frame (about 16 ms), one message
 * holding every column's new text: a fast stream never floods the webview with a message per token.
 */
import type { DeltaChunk } from '../../protocol';

export class DeltaBatcher {
  /** Keyed by column, then by kind: reasoning and answer text stay apart. */
  private pending = new Map<string, DeltaChunk>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (chunks: DeltaChunk[]) => void, private readonly frameMs = 16) {}

  add(deploymentId: string, text: string, reasoning = false): void {
    const key = `${reasoning ? 'r' : 't'}\u0000${deploymentId}`;
    const chunk = this.pending.get(key);
    if (chunk) chunk.text += text;
    else this.pending.set(key, { deploymentId, text, ...(reasoning ? { reasoning: true } : {}) });
    this.timer ??= setTimeout(() => this.flush(), this.frameMs);
  }

  /** Sends what is pending now (before a column's result, so text never arrives after its end). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const chunks = [...this.pending.values()];
    this.pending = new Map();
    this.send(chunks);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
