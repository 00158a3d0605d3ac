/**
 * The results: one column per deployment, the badges of the fastest and cheapest, and the comparison chart.
 * Streamed text is rendered at most once per animation frame, only for the columns that got some.
 */
import type { Badges, ColumnResult, ColumnStatus, DeltaChunk, RunSpread, ToolCallView, TurnView, WebviewMessage } from '../protocol';
import { renderChart } from './chart';
import { Column, type ColumnCallbacks, type ColumnSnapshot } from './column';
import { formatMs, h } from './dom';
import type { PlaygroundStore } from './playgroundStore';
import { RunSummary, type SummaryEntry } from './runSummary';

/** How often the live times of streaming columns change, in ms. */
const LIVE_TICK_MS = 100;

/** From this many columns on, the chart starts folded so the columns keep the room. */
const MANY_COLUMNS = 8;

export class ColumnsArea {
  private readonly chart = h('div', { class: 'chart', hidden: true });
  /** The chart folds away: with many columns it starts folded, the summary strip giving each one's time. */
  private readonly chartFold = h('details', { class: 'chart-fold', hidden: true }, h('summary', {}, 'Chart: latency and cost'), this.chart);
  private readonly empty = h('p', { class: 'empty' }, 'Pick deployments, write a prompt and press Run (Ctrl+Enter). Each answer streams in its own column.');
  private readonly box = h('div', { class: 'columns', 'aria-label': 'Answers, one column per deployment' });
  private readonly summary = new RunSummary((id) => this.reveal(id), (on) => this.element.classList.toggle('compact', on));
  readonly element = h('section', { class: 'results', 'aria-label': 'Results' }, this.summary.element, this.chartFold, this.empty, this.box);
  private columns = new Map<string, Column>();
  /** Columns with text not rendered yet. */
  private readonly dirty = new Set<Column>();
  private frameRequested = false;
  /** When the live times were last shown (an animation frame's time). */
  private liveShownAt = -Infinity;
  /** The one column held at the left, if any. */
  private pinned: string | null = null;
  private readonly callbacks: ColumnCallbacks;

  /** `comparePicked` hears how many answers are checked for Compare; `followUp` that one column is to go on alone. */
  constructor(private readonly store: PlaygroundStore, post: (message: WebviewMessage) => void, comparePicked: (count: number) => void, followUp: (deploymentId: string) => void) {
    this.callbacks = {
      action: (deploymentId, action) => {
        if (action === 'retry') post({ type: 'rerunColumn', deploymentId });
        else post({ type: 'action', action, deploymentId });
      },
      copy: (deploymentId) => post({ type: 'copy', deploymentId }),
      insert: (deploymentId) => post({ type: 'insert', deploymentId }),
      rerun: (deploymentId) => post({ type: 'rerunColumn', deploymentId }),
      followUp,
      compareToggled: () => comparePicked(this.comparePicks().length),
      pinToggled: (deploymentId) => this.pin(this.pinned === deploymentId ? null : deploymentId),
    };
  }

  /** New columns for a full run (or a reopened one); `threads`: the earlier turns each column shows. */
  build(ids: readonly string[], threads: Readonly<Record<string, TurnView[]>> = {}): void {
    this.columns = new Map(ids.map((id) => [id, new Column(this.store.viewOf(id), this.callbacks, threads[id] ?? [])]));
    this.box.replaceChildren(...[...this.columns.values()].map((column) => column.element));
    this.pinned = null;
    this.empty.hidden = this.columns.size > 0;
    this.chart.hidden = true;
    this.chartFold.hidden = true;
    this.chartFold.open = this.columns.size <= MANY_COLUMNS;
    this.summary.build([...this.columns.values()].map(summaryEntry));
  }

  /** Fresh columns in place of these (a next turn, or one column run again); the others stay as they are. */
  replace(ids: readonly string[], threads: Readonly<Record<string, TurnView[]>> = {}): void {
    for (const id of ids) {
      const fresh = new Column(this.store.viewOf(id), this.callbacks, threads[id] ?? []);
      this.columns.get(id)?.element.replaceWith(fresh.element);
      this.columns.set(id, fresh);
      fresh.setPinned(this.pinned === id);
      this.summary.update(summaryEntry(fresh));
    }
  }

  /** Brings back the columns of the saved state, every one settled (a stream cut by the reload shows as stopped). */
  restore(snapshots: readonly ColumnSnapshot[], badges: Badges | null): void {
    if (snapshots.length === 0) return;
    this.build(snapshots.map((snapshot) => snapshot.id), Object.fromEntries(snapshots.map((snapshot) => [snapshot.id, snapshot.turns ?? []])));
    for (const snapshot of snapshots) {
      const column = this.columns.get(snapshot.id)!;
      if (snapshot.result) column.finish(snapshot.result);
      else {
        column.stream.reset(snapshot.text);
        column.stream.end();
        if (snapshot.reasoning) column.reasoning.append(snapshot.reasoning);
        column.setStatus(snapshot.status === 'streaming' || snapshot.status === 'waiting' ? 'cancelled' : snapshot.status);
      }
      this.summary.update(summaryEntry(column));
    }
    this.showBadges(badges);
    this.updateChart();
  }

  appendText(chunks: readonly DeltaChunk[]): void {
    for (const chunk of chunks) {
      const column = this.columns.get(chunk.deploymentId);
      if (!column) continue;
      if (chunk.reasoning) {
        column.reasoning.append(chunk.text);
        continue;
      }
      column.stream.append(chunk.text);
      this.dirty.add(column);
    }
  }

  setStatus(deploymentId: string, status: ColumnStatus, note: string | null, ttftMs: number | null, ttfrMs: number | null = null): void {
    const column = this.columns.get(deploymentId);
    if (!column) return;
    if (ttftMs !== null) column.ttftMs = ttftMs;
    if (ttfrMs !== null) column.ttfrMs = ttfrMs;
    column.setStatus(status, note);
    this.summary.update(summaryEntry(column));
  }

  finish(result: ColumnResult): void {
    const column = this.columns.get(result.deploymentId);
    if (!column) return;
    this.dirty.delete(column);
    column.finish(result);
    this.summary.update(summaryEntry(column));
    this.updateChart();
  }

  showBadges(badges: Badges | null): void {
    for (const column of this.columns.values()) {
      const labels = [
        badges?.fastestFirstToken === column.deployment.id ? 'fastest first token' : '',
        badges?.fastestTotal === column.deployment.id ? 'fastest total' : '',
        badges?.cheapest === column.deployment.id ? 'cheapest' : '',
      ].filter(Boolean);
      column.setBadges(labels);
    }
  }

  /** p50/p95 over the repeats of a repeated run. */
  showSpreads(spreads: readonly RunSpread[]): void {
    for (const line of spreads) {
      this.columns.get(line.deploymentId)?.setSpread(`p50/p95 ttft ${formatMs(line.ttftP50)} / ${formatMs(line.ttftP95)} · total ${formatMs(line.totalP50)} / ${formatMs(line.totalP95)}`);
    }
  }

  updateChart(): void {
    // every finished column; a failure's time or missing price says nothing about that cloud's speed or cost, so the
    // chart names it as failed or stopped instead of drawing its bars
    renderChart(this.chart, [...this.columns.values()].filter((column) => column.result !== null).map((column) => ({
      id: column.deployment.id,
      metrics: column.result!.metrics,
      ...(column.result!.status === 'ok' ? {} : { notAnswered: column.result!.status === 'cancelled' ? 'stopped' : `failed: ${column.result!.error?.kind.replace('_', ' ') ?? 'error'}` }),
    })));
    this.chartFold.hidden = this.chart.hidden;
  }

  /** Pins one column (unpinning the one before), or none. */
  private pin(id: string | null): void {
    this.pinned = id;
    for (const column of this.columns.values()) column.setPinned(column.deployment.id === id);
    if (id) this.box.scrollTo({ left: 0 });
  }

  /** Brings a column into view (the summary strip's entries) and puts the focus on it. */
  private reveal(id: string): void {
    const column = this.columns.get(id);
    if (!column) return;
    // sideways only: the row of columns scrolls, the page around it stays where the person left it
    const box = this.box.getBoundingClientRect();
    const rect = column.element.getBoundingClientRect();
    // a pinned column covers the left of the row: the others come into view beside it
    const pinned = this.pinned !== null && this.pinned !== id ? this.columns.get(this.pinned) : undefined;
    const start = box.left + (pinned ? pinned.element.getBoundingClientRect().width + 10 : 0);
    const left = rect.left < start ? rect.left - start - 4 : rect.right > box.right ? Math.min(rect.right - box.right + 4, rect.left - start - 4) : 0;
    if (left !== 0) this.box.scrollBy({ left, behavior: 'smooth' });
    column.element.focus({ preventScroll: true });
    column.element.classList.remove('revealed');
    void column.element.offsetWidth; // restart the highlight
    column.element.classList.add('revealed');
  }

  /** The deployments whose answers are checked for Compare. */
  comparePicks(): string[] {
    return [...this.columns.values()].filter((column) => column.comparePick.checked).map((column) => column.deployment.id);
  }

  /** The tool calls the host waits on, with the column that made each. */
  awaitingCalls(): Array<{ deploymentId: string; call: ToolCallView }> {
    return [...this.columns.values()].flatMap((column) => (column.result?.toolCalls ?? []).filter((call) => call.awaiting).map((call) => ({ deploymentId: column.deployment.id, call })));
  }

  /** The columns shown, and which of them can take a next turn (answered, no call waiting). */
  followable(): Array<{ id: string; ready: boolean }> {
    return [...this.columns.values()].map((column) => ({ id: column.deployment.id, ready: column.result?.status === 'ok' && !(column.result.toolCalls ?? []).some((call) => call.awaiting) }));
  }

  snapshots(): ColumnSnapshot[] {
    return [...this.columns.values()].map((column) => column.snapshot());
  }

  /** Renders on the next animation frames while the run goes on: new text, and the live times. */
  startFrames(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => this.frame(now));
  }

  private frame(now: number): void {
    this.frameRequested = false;
    for (const column of this.dirty) column.stream.render();
    this.dirty.clear();
    const run = this.store.run;
    if (!run) return;
    // the live times tick ten times a second: each change lays out the metric rows, which every column shares
    if (now - this.liveShownAt >= LIVE_TICK_MS) {
      this.liveShownAt = now;
      const elapsed = performance.now() - run.startedAt;
      for (const column of this.columns.values()) if (column.status === 'waiting' || column.status === 'streaming') column.showLive(elapsed);
    }
    this.startFrames();
  }
}

function summaryEntry(column: Column): SummaryEntry {
  return { id: column.deployment.id, status: column.status, result: column.result, ttftMs: column.ttftMs };
}
