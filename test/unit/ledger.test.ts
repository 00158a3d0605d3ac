/** The spend ledger: counted once, crash-safe, shared by windows, summed by period. */
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAIN_ANSWER, type DeploymentResult } from '../../src/core/engine/fanout';
import { SpendLedger } from '../../src/core/storage/ledger';

function result(deployment: string, costUsd: number | null, provider: DeploymentResult['provider'] = 'openai'): DeploymentResult {
  return {
    ...PLAIN_ANSWER,
    deployment, provider, model: 'gpt-4o-mini', status: 'ok', text: 'x', finishReason: 'stop', error: null, requestId: null, answeredModel: null,
    retries: 0, credentialMs: 0, credentialSource: null, costNote: null, cachedInputTokens: null,
    metrics: { ttftMs: 1, totalMs: 2, inputTokens: 10, outputTokens: 20, tokensPerSecond: 1, costUsd },
  };
}

describe('spend ledger', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'fanout-ledger-')), 'spend.jsonl');

  it('records each priced answer once, skips unpriced ones, and sums by deployment, provider and day', async () => {
    const ledger = new SpendLedger(fresh());
    await ledger.recordResults('run-1', [result('a', 0.002), result('b', 0.001, 'bedrock'), result('c', null)], 'playground');
    await ledger.recordResults('run-2', [result('a', 0.003)], 'compare');
    appendFileSync(ledger.file, readFileSync(ledger.file, 'utf8').split('\n')[0] + '\n'); // a record written twice (two windows replaying)
    const summary = await ledger.summary('today');
    assert.equal(summary.requests, 3);
    assert.equal(Math.round(summary.totalUsd * 1e6), 6000);
    assert.deepEqual(summary.byDeployment.map((d) => [d.name, Math.round(d.usd * 1e6)]), [['a', 5000], ['b', 1000]]);
    assert.deepEqual(summary.byProvider.map((p) => p.name), ['openai', 'bedrock']);
  });

  it('a file cut mid-line loads every complete record', async () => {
    const ledger = new SpendLedger(fresh());
    for (let i = 0; i < 10; i++) await ledger.recordResults(`run-${i}`, [result('a', 0.001)], 'playground');
    truncateSync(ledger.file, statSync(ledger.file).size - 7);
    const { records, skipped } = await new SpendLedger(ledger.file).load();
    assert.equal(records.length, 9);
    assert.equal(skipped, 1);
  });

  it('a record cut by a crash costs only itself', async () => {
    const ledger = new SpendLedger(fresh());
    await ledger.recordResults('run-1', [result('a', 0.001)], 'playground');
    appendFileSync(ledger.file, '{"id":"run-torn:a","at":');
    await ledger.recordResults('run-2', [result('a', 0.002)], 'playground');
    const { records, skipped } = await ledger.load();
    assert.deepEqual(records.map((r) => r.id), ['run-1:a', 'run-2:a']);
    assert.equal(skipped, 1);
  });

  it('two windows writing at once lose nothing, and a new instance (a restart) sees it all', async () => {
    const file = fresh();
    const one = new SpendLedger(file);
    const two = new SpendLedger(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).recordResults(`run-${i}`, [result('a', 0.001), result('b', 0.002)], 'playground')));
    assert.equal((await new SpendLedger(file).load()).records.length, 100);
  });

  it('periods: today, this month, this session', async () => {
    const sessionStart = new Date();
    const ledger = new SpendLedger(fresh(), sessionStart);
    const lastMonth = new Date(sessionStart.getFullYear(), sessionStart.getMonth() - 1, 15);
    const earlierToday = new Date(sessionStart.getTime() - 60_000);
    await ledger.recordResults('old', [result('a', 1)], 'playground', lastMonth);
    await ledger.recordResults('before-session', [result('a', 0.5)], 'playground', earlierToday);
    await ledger.recordResults('now', [result('a', 0.25)], 'playground', new Date(sessionStart.getTime() + 1000));
    assert.equal((await ledger.summary('session')).totalUsd, 0.25);
    assert.equal((await ledger.summary('today')).totalUsd, earlierToday.getDate() === sessionStart.getDate() ? 0.75 : 0.25);
    assert.equal((await ledger.summary('month')).totalUsd >= 0.25, true);
    await ledger.clear();
    assert.equal((await ledger.summary('month')).requests, 0);
  });
});
