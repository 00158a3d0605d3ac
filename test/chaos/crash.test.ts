/**
 * Crash safety: a writer of history and spend is killed with SIGKILL hundreds of times at random points.
 * After each kill a reload finds every complete record it found before, and at most one more unreadable line.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../src/core/storage/history';
import { SpendLedger } from '../../src/core/storage/ledger';

const KILLS = Number(process.env.FANOUT_CHAOS_KILLS ?? 200);

describe('crash safety', function () {
  this.timeout(600_000);

  it(`survives ${KILLS} SIGKILLs at random points while history and spend are written`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-crash-'));
    const historyFile = join(dir, 'history.jsonl');
    const ledgerFile = join(dir, 'spend.jsonl');
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let known = { history: new Set<string>(), ledger: new Set<string>(), historySkipped: 0, ledgerSkipped: 0 };
    let cutLines = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawn(process.execPath, [join(__dirname, 'writer.js'), historyFile, ledgerFile, `k${kill}`], { stdio: ['ignore', 'pipe', 'ignore'] });
      // a random point in the writing, counted from its first record: a busy machine that is slow to start a process
      // does not turn the test into one that kills before anything is written
      await new Promise<void>((resolve) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', () => resolve());
      });
      await new Promise((resolve) => setTimeout(resolve, random() * 120));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const history = await new HistoryStore(historyFile, { maxEntries: 1_000_000, redact: (t) => t }).load();
      const ledger = await new SpendLedger(ledgerFile).load();
      const historyIds = new Set(history.entries.map((entry) => entry.id));
      const ledgerIds = new Set(ledger.records.map((record) => record.id));
      for (const id of known.history) assert.ok(historyIds.has(id), `kill ${kill}: history lost complete entry ${id}`);
      for (const id of known.ledger) assert.ok(ledgerIds.has(id), `kill ${kill}: spend lost complete record ${id}`);
      assert.ok(history.skipped - known.historySkipped <= 1, `kill ${kill}: history lost ${history.skipped - known.historySkipped} lines to one kill`);
      assert.ok(ledger.skipped - known.ledgerSkipped <= 1, `kill ${kill}: spend lost ${ledger.skipped - known.ledgerSkipped} lines to one kill`);
      cutLines += history.skipped - known.historySkipped + ledger.skipped - known.ledgerSkipped;
      known = { history: historyIds, ledger: ledgerIds, historySkipped: history.skipped, ledgerSkipped: ledger.skipped };
    }
    console.log(`      ${KILLS} kills: ${known.history.size} history entries and ${known.ledger.size} spend records kept; ${cutLines} lines cut mid-write (each its own record only)`);
    assert.ok(known.history.size > KILLS / 2, 'the writer barely wrote anything: the test proves nothing');
  });

  it('two windows (two processes) writing history and spend at once lose nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-two-'));
    const historyFile = join(dir, 'history.jsonl');
    const ledgerFile = join(dir, 'spend.jsonl');
    const PER_WINDOW = 150;
    const windows = ['left', 'right'].map((tag) => spawn(process.execPath, [join(__dirname, 'writer.js'), historyFile, ledgerFile, tag, String(PER_WINDOW)], { stdio: 'ignore' }));
    const codes = await Promise.all(windows.map((child) => new Promise<number | null>((resolve) => child.once('exit', resolve))));
    assert.deepEqual(codes, [0, 0]);
    const history = await new HistoryStore(historyFile, { maxEntries: 1_000_000, redact: (t) => t }).load();
    const ledger = await new SpendLedger(ledgerFile).load();
    assert.equal(history.skipped, 0, 'no line torn by the other window');
    assert.equal(ledger.skipped, 0);
    for (const tag of ['left', 'right']) {
      for (let n = 0; n < PER_WINDOW; n++) {
        assert.ok(history.entries.some((entry) => entry.id === `${tag}-${n}`), `history ${tag}-${n}`);
        assert.ok(ledger.records.some((record) => record.id.startsWith(`${tag}-${n}:`) || record.id === `${tag}-${n}`), `spend ${tag}-${n}`);
      }
    }
    console.log(`      two windows: ${history.entries.length} history entries and ${ledger.records.length} spend records of ${2 * PER_WINDOW} each, none lost or torn`);
  });

  it('two windows appending while each compacts the shared history: no window\'s newer run goes missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-compact-'));
    const historyFile = join(dir, 'history.jsonl');
    const PER_WINDOW = 200;
    const KEEP = 40; // compaction every ~20 appends, in both windows
    const windows = ['left', 'right'].map((tag) => spawn(process.execPath, [join(__dirname, 'writer.js'), historyFile, join(dir, `spend-${tag}.jsonl`), tag, String(PER_WINDOW), String(KEEP)], { stdio: 'ignore' }));
    assert.deepEqual(await Promise.all(windows.map((child) => new Promise<number | null>((resolve) => child.once('exit', resolve)))), [0, 0]);
    const text = readFileSync(historyFile, 'utf8');
    const ids = text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
    for (const tag of ['left', 'right']) {
      const kept = ids.filter((id) => id.startsWith(`${tag}-`)).map((id) => Number(id.slice(tag.length + 1))).sort((a, b) => a - b);
      if (kept.length === 0) {
        // on a busy machine one window can finish before the other gets going: then the bound is filled with the
        // other window's newer runs, the only honest reason for none of this window's runs to remain
        assert.ok(ids.length >= KEEP, `${tag}: none kept, yet the file holds only ${ids.length} newer runs`);
        continue;
      }
      assert.equal(kept.at(-1), PER_WINDOW - 1, `${tag}: its last run is kept`);
      // compaction drops the oldest; a lost append would leave a hole among the newer ones
      const holes = kept.filter((n, index) => index > 0 && n !== kept[index - 1]! + 1);
      assert.deepEqual(holes, [], `${tag}: runs lost between ${kept[0]} and ${kept.at(-1)}`);
    }
    console.log(`      two windows compacting: ${ids.length} entries kept, each window's newest runs contiguous`);
  });
});
