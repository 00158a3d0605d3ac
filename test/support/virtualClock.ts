/**
 * A clock for tests: time stands still until the test moves it, and timers fire at exactly their time,
 * in the order they were set. `run` moves time only when nothing else can happen, so a scripted run
 * reads exact values (ttft exactly 120 ms) however busy the machine is.
 */
import type { Clock } from '../../src/core/engine/clock';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  private time = 0;
  private order = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return this.time;
  }

  schedule(ms: number, callback: () => void): () => void {
    const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, callback };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  /** Lets every promise that can settle without time passing settle. */
  async settle(): Promise<void> {
    for (let round = 0; round < 3; round++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time and settling after each. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await this.settle();
    for (let timer = this.earliest(); timer && timer.at <= until; timer = this.earliest()) await this.fire(timer);
    this.time = until;
    await this.settle();
  }

  /** Runs `work` to its end, jumping to the next timer whenever everything else is waiting. Fails if it waits on nothing. */
  async run<T>(work: Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown } | null = null;
    work.then((value) => (outcome = { value }), (error: unknown) => (outcome = { error }));
    for (;;) {
      await this.settle();
      const settled = outcome as { value: T } | { error: unknown } | null;
      if (settled) {
        if ('error' in settled) throw settled.error;
        return settled.value;
      }
      const timer = this.earliest();
      if (!timer) throw new Error(`stuck at ${this.time} ms: the work waits, but no timer is set`);
      await this.fire(timer);
    }
  }

  private earliest(): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.timers) if (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order)) first = timer;
    return first;
  }

  private async fire(timer: Timer): Promise<void> {
    this.timers.delete(timer);
    this.time = timer.at;
    timer.callback();
    await this.settle();
  }
}
