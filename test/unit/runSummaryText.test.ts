/** The playground's run summary: each column's key figure and the counts by state. */
import * as assert from 'node:assert/strict';
import type { ColumnResult, ColumnStatus } from '../../src/protocol';
import { countsText, keyFigure, type SummaryEntry } from '../../src/webview/runSummaryText';

const result = (totalMs: number | null, errorKind?: string): ColumnResult =>
  ({ metrics: { totalMs }, ...(errorKind ? { error: { kind: errorKind, message: 'why' } } : {}) }) as unknown as ColumnResult;
const entry = (status: ColumnStatus, extra: Partial<SummaryEntry> = {}): SummaryEntry => ({ id: 'a', status, result: null, ttftMs: null, ...extra });

describe('run summary text', () => {
  const figures: Array<[string, SummaryEntry, string]> = [
    ['waiting', entry('waiting'), 'waiting'],
    ['streaming, no token yet', entry('streaming'), 'streaming'],
    ['streaming, first token known', entry('streaming', { ttftMs: 420 }), 'ttft 420\u00a0ms'],
    ['answered: the total time', entry('ok', { result: result(1540) }), '1.54\u00a0s'],
    ['answered, no time', entry('ok', { result: result(null) }), '—'],
    ['failed: the kind, readable', entry('error', { result: result(900, 'rate_limit') }), 'rate limit'],
    ['failed with no result yet', entry('error'), 'failed'],
    ['stopped', entry('cancelled', { result: result(300) }), 'stopped'],
  ];
  for (const [name, given, expected] of figures) it(`key figure: ${name}`, () => assert.equal(keyFigure(given), expected));

  it('counts the states in a fixed order and leaves out the empty ones', () => {
    const entries = [entry('ok'), entry('error'), entry('ok'), entry('streaming'), entry('cancelled'), entry('error')];
    assert.equal(countsText(entries), '1 streaming · 2 done · 2 failed · 1 stopped');
    assert.equal(countsText([entry('ok')]), '1 done');
    assert.equal(countsText([]), '');
  });
});
