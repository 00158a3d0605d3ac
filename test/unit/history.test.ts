/** The history store: append-only JSONL that loses nothing complete, whatever cut it. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, type HistoryEntry } from '../../src/core/storage/history';
import { Redactor } from '../../src/core/security/redact';

const SENTINEL = 'sk-fanout-sentinel-DO-NOT-LEAK-0123456789';
/** Shaped like a Google API key, built at run time so no key-shaped literal sits in the source. */
const FAKE_GOOGLE_KEY = `AIza${'FAKE'.repeat(8)}`;

function entry(n: number, text = `answer ${n}`): HistoryEntry {
  return {
    id: `entry-${n}`, at: new Date(1_700_000_000_000 + n).toISOString(), system: '', prompt: `prompt ${n}`, variables: {}, params: {}, deploymentIds: ['gpt'],
    results: [{ deployment: 'gpt', provider: 'openai', model: 'gpt-4o-mini', status: 'ok', text, finishReason: 'stop', requestId: null, costNote: null, error: null,
      metrics: { ttftMs: 100, totalMs: 200, inputTokens: 1, outputTokens: 2, tokensPerSecond: 20, costUsd: 0.000001 } }],
  };
}

describe('history store', () => {
  const redactor = new Redactor();
  redactor.remember(SENTINEL);
  const store = (file: string, maxEntries = 200) => new HistoryStore(file, { maxEntries, redact: (text) => redactor.redact(text) });
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'fanout-history-')), 'history.jsonl');

  it('reads back what it wrote, in order; a missing file is an empty history', async () => {
    const file = fresh();
    assert.deepEqual(await store(file).load(), { entries: [], skipped: 0 });
    for (let n = 1; n <= 5; n++) await store(file).append(entry(n));
    const { entries, skipped } = await store(file).load();
    assert.deepEqual(entries.map((e) => e.id), ['entry-1', 'entry-2', 'entry-3', 'entry-4', 'entry-5']);
    assert.equal(skipped, 0);
    assert.equal((await store(file).get('entry-3'))?.prompt, 'prompt 3');
  });

  it('a file cut in the middle of its last line loads every complete entry and skips the cut one', async () => {
    const file = fresh();
    for (let n = 1; n <= 20; n++) await store(file).append(entry(n, `answer ${n} `.repeat(50)));
    const size = statSync(file).size;
    const lastLine = readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!;
    for (const cut of [1, 17, Math.floor(lastLine.length / 2), lastLine.length - 2]) {
      const copy = `${file}.${cut}`;
      writeFileSync(copy, readFileSync(file));
      truncateSync(copy, size - 1 - cut);
      const { entries, skipped } = await store(copy).load();
      assert.equal(entries.length, 19, `cut ${cut} bytes from the end`);
      assert.equal(skipped, 1);
    }
  });

  it('skips a corrupt line in the middle and keeps the rest; appends after it still work', async () => {
    const file = fresh();
    await store(file).append(entry(1));
    appendFileSync(file, '{"id": "half", "prompt": \n');
    appendFileSync(file, 'not json at all\n');
    await store(file).append(entry(2));
    const { entries, skipped } = await store(file).load();
    assert.deepEqual(entries.map((e) => e.id), ['entry-1', 'entry-2']);
    assert.equal(skipped, 2);
  });

  it('a record cut by a crash costs only itself: the next append does not glue onto the torn fragment', async () => {
    const file = fresh();
    await store(file).append(entry(1));
    appendFileSync(file, '{"id":"entry-torn","at":"2026-'); // killed mid-write: no newline
    await store(file).append(entry(2));
    const { entries, skipped } = await store(file).load();
    assert.deepEqual(entries.map((e) => e.id), ['entry-1', 'entry-2']);
    assert.equal(skipped, 1);
  });

  it('never stores a secret: known secrets and key-shaped strings are redacted', async () => {
    const file = fresh();
    const leaky = entry(1, `the key is ${SENTINEL} and ${FAKE_GOOGLE_KEY}`);
    leaky.prompt = `use ${SENTINEL}`;
    leaky.results[0]!.error = { kind: 'auth', message: `Authorization: Bearer ${SENTINEL}` };
    await store(file).append(leaky);
    const raw = readFileSync(file, 'utf8');
    assert.doesNotMatch(raw, /sentinel|AIzaFAKE/);
    assert.match(raw, /\[redacted\]/);
  });

  it('two windows appending at once lose nothing', async () => {
    const file = fresh();
    const first = store(file);
    const second = store(file);
    await Promise.all(Array.from({ length: 60 }, (_, n) => (n % 2 ? first : second).append(entry(n, 'x'.repeat(2000)))));
    const { entries, skipped } = await store(file).load();
    assert.equal(skipped, 0);
    assert.equal(new Set(entries.map((e) => e.id)).size, 60);
  });

  it('stays bounded: keeps the newest entries', async () => {
    const file = fresh();
    const small = store(file, 10);
    for (let n = 1; n <= 40; n++) await small.append(entry(n));
    const { entries } = await small.load();
    assert.equal(entries.length, 10);
    assert.equal(entries.at(-1)?.id, 'entry-40');
    assert.ok(readFileSync(file, 'utf8').trim().split('\n').length <= 15);
    await small.clear();
    assert.deepEqual((await small.load()).entries, []);
  });
});

describe('history entries of conversations', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'fanout-history-')), 'history.jsonl');
  const redactor = new Redactor();
  redactor.remember(SENTINEL);
  const store = (file: string) => new HistoryStore(file, { maxEntries: 50, redact: (text) => redactor.redact(text) });

  it('an entry written before conversations (no tools, threads or schema) still loads', async () => {
    const file = fresh();
    writeFileSync(file, `${JSON.stringify(entry(1))}\n`);
    const [loaded] = (await store(file).load()).entries;
    assert.equal(loaded?.threads, undefined);
    assert.equal(loaded?.results[0]?.text, 'answer 1');
  });

  it('keeps the threads, tools and schema; tool results are redacted and capped like answers', async () => {
    const file = fresh();
    const threads = { gpt: [
      { role: 'user' as const, content: `my key is ${SENTINEL}` },
      { role: 'assistant' as const, content: [{ type: 'tool-call' as const, id: 'call_1', name: 'fetch', arguments: { url: 'https://example.com' } }] },
      { role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: 'call_1', name: 'fetch', content: `${SENTINEL} ${'x'.repeat(1_200_000)}` }] },
    ] };
    await store(file).append({ ...entry(2), conversationId: 'c1', tools: [{ name: 'fetch', parameters: { type: 'object' } }], toolChoice: 'auto', responseFormat: 'json', threads });
    const [loaded] = (await store(file).load()).entries;
    assert.equal(loaded?.conversationId, 'c1');
    assert.deepEqual(loaded?.tools, [{ name: 'fetch', parameters: { type: 'object' } }]);
    assert.equal(loaded?.responseFormat, 'json');
    const saved = loaded!.threads!.gpt!;
    assert.deepEqual(saved[1], threads.gpt[1]);
    const result = (saved[2]!.content as Array<{ content: string }>)[0]!.content;
    assert.ok(result.length < 1_100_000 && result.endsWith('[cut at 1000000 characters]'));
    assert.ok(!readFileSync(file, 'utf8').includes(SENTINEL), 'the secret never reaches the file');
  });
});
