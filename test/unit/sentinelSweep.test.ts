/** The sweep that ends the editor lane finds a sentinel wherever it is written: text, UTF-16, inside binary, deep folders. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Sweep { files: number; hits: string[] }

describe('sentinel sweep', () => {
  it('finds a planted sentinel in text, UTF-16 and binary files, and nothing in clean ones', async () => {
    const { sweep, SENTINEL_PREFIX } = (await import(resolve('scripts/lib/sentinelSweep.mjs'))) as { sweep: (roots: string[]) => Sweep; SENTINEL_PREFIX: string };
    const dir = mkdtempSync(join(tmpdir(), 'fanout-sweep-'));
    try {
      const secret = `${SENTINEL_PREFIX}unit-0123456789`;
      mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
      writeFileSync(join(dir, 'clean.log'), 'nothing to see\n');
      writeFileSync(join(dir, 'a', 'settings.json'), JSON.stringify({ key: secret }));
      writeFileSync(join(dir, 'a', 'b', 'local-storage.ldb'), Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(secret, 'utf16le'), Buffer.from([7])]));
      writeFileSync(join(dir, 'a', 'b', 'c', 'state.vscdb'), Buffer.concat([Buffer.alloc(4096, 0), Buffer.from(secret), Buffer.alloc(10, 1)]));
      const result = sweep([dir]);
      assert.equal(result.files, 4);
      assert.deepEqual(result.hits.map((hit) => hit.split(' (')[0]!.slice(dir.length + 1)).sort(), ['a/b/c/state.vscdb', 'a/b/local-storage.ldb', 'a/settings.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
