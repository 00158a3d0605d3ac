/**
 * Appends whole lines to a JSONL file with one write. If an earlier writer was killed mid-line, the file ends
 * without a newline: the torn fragment is closed off first, so it costs only itself and never the next record.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

async function endsTorn(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false; // no file yet
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

export async function appendLines(file: string, lines: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, (await endsTorn(file)) ? `\n${lines}` : lines, 'utf8');
}
