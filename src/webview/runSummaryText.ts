/** The run summary's words: each column's key figure and the counts by state. Pure, so a table can test it. */
import { formatMs } from '../core/results/format';
import type { ColumnResult, ColumnStatus } from '../protocol';

export interface SummaryEntry {
  id: string;
  status: ColumnStatus;
  result: ColumnResult | null;
  ttftMs: number | null;
}

export const STATE_TEXT: Record<ColumnStatus, string> = { waiting: 'waiting', streaming: 'streaming', ok: 'done', error: 'failed', cancelled: 'stopped' };

/** "2 retries" when the engine retried before the answer (or the failure) came; '' when it did not. */
export function retriesText(retries: number | undefined): string {
  return retries ? `${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
}

/** The figure an entry shows: an answer's total time, a failure's kind, a stream's first-token time; the retries beside. */
export function keyFigure(entry: SummaryEntry): string {
  const retries = retriesText(entry.result?.retries);
  const figure = baseFigure(entry);
  return retries ? `${figure} · ${retries}` : figure;
}

function baseFigure(entry: SummaryEntry): string {
  if (entry.status === 'error') return entry.result?.error?.kind.replace('_', ' ') ?? 'failed';
  if (entry.status === 'cancelled') return 'stopped';
  if (entry.status === 'ok') return formatMs(entry.result?.metrics.totalMs ?? null);
  if (entry.status === 'streaming') return entry.ttftMs !== null ? `ttft ${formatMs(entry.ttftMs)}` : 'streaming';
  return 'waiting';
}

/** "3 streaming · 12 done · 2 failed · 1 stopped", leaving out the states no column is in. */
export function countsText(entries: readonly SummaryEntry[]): string {
  const order: ColumnStatus[] = ['waiting', 'streaming', 'ok', 'error', 'cancelled'];
  return order
    .map((status) => [status, entries.filter((entry) => entry.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${STATE_TEXT[status]}`)
    .join(' · ');
}
