/** A window that writes history and spend as fast as it can until it is killed (the crash test's victim). */
import { HistoryStore } from '../../src/core/storage/history';
import { SpendLedger } from '../../src/core/storage/ledger';
import { PLAIN_ANSWER, type DeploymentResult } from '../../src/core/engine/fanout';

const [historyFile, ledgerFile, tag, limit, keep] = process.argv.slice(2) as [string, string, string, string | undefined, string | undefined];
/** Without a limit it writes until it is killed; with one it writes that many records and exits. */
const count = limit ? Number(limit) : Infinity;
const history = new HistoryStore(historyFile, { maxEntries: keep ? Number(keep) : 100_000, redact: (text) => text });
const ledger = new SpendLedger(ledgerFile);
const text = 'answer text '.repeat(4000); // ~48 KB a record: writes take long enough to be cut

async function loop(): Promise<void> {
  for (let n = 0; n < count; n++) {
    // the parent kills at a random point after the first record is on disk, however long this process took to start
    if (n === 1) process.stdout.write('wrote\n');
    const result: DeploymentResult = {
      ...PLAIN_ANSWER,
      deployment: 'd', provider: 'openai', model: 'gpt-4o-mini', status: 'ok', text, finishReason: 'stop', error: null, requestId: null, answeredModel: null,
      retries: 0, credentialMs: 0, credentialSource: null, costNote: null, cachedInputTokens: null,
      metrics: { ttftMs: 1, totalMs: 2, inputTokens: 1, outputTokens: 1, tokensPerSecond: 1, costUsd: 0.001 },
    };
    await Promise.all([
      history.append({ id: `${tag}-${n}`, at: new Date().toISOString(), system: '', prompt: 'p', variables: {}, params: {}, deploymentIds: ['d'], results: [result] }),
      ledger.recordResults(`${tag}-${n}`, [{ ...result, text: 'x'.repeat(20_000) }], 'chaos'),
    ]);
  }
}

void loop().then(() => process.exit(0));
