/**
 * Crash safety: a writer of history and spend is killed with SIGKILL hundreds of times at random points.
 * After each kill a reload finds every complete record it found before, and at most one more unreadable line.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../src/core/history';
import { SpendLedger } from '../../src/core/ledger';

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
      const child = spawn(process.execPath, [join(__dirname, 'writer.js'), historyFile, ledgerFile, `k${kill}`], { stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, 30 + random() * 120));
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
});
