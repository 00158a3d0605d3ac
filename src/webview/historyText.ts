/** The history list's words. Pure, so a table can test it. */
import type { HistorySummary } from '../protocol';

/** "5 ok, 2 failed, 1 stopped": a stopped column is said as stopped, never as failed; the empty states left out. */
export function historyCounts(item: Pick<HistorySummary, 'ok' | 'failed' | 'stopped'>): string {
  return [`${item.ok} ok`, item.failed ? `${item.failed} failed` : '', item.stopped ? `${item.stopped} stopped` : ''].filter(Boolean).join(', ');
}
