/**
 * JSONL files that survive crashes: appends of whole lines with one write (closing off a line torn by an earlier
 * kill first, so it costs only itself), and reads that keep every valid line and count the rest.
 */
import { appendFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

const LOCK_WAIT_MS = 2000;
const STALE_LOCK_MS = 10_000;
const lockOf = (file: string): string => `${file}.lock`;

/** Waits (bounded) while another window rewrites the file, so an append cannot land in the file being replaced. */
async function whileRewriting(file: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < LOCK_WAIT_MS) {
    try {
      const { mtimeMs } = await stat(lockOf(file));
      if (Date.now() - mtimeMs > STALE_LOCK_MS) return; // left by a window that died mid-rewrite
    } catch {
      return; // no lock
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function appendLines(file: string, lines: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await whileRewriting(file);
  await appendFile(file, (await endsTorn(file)) ? `\n${lines}` : lines, 'utf8');
}

/**
 * Replaces `file` with `rewrite(its text)`, atomically (a new file renamed over it), one window at a time: a window
 * that finds another one rewriting skips its turn. Lines other windows appended while the new file was written are
 * carried over before the rename, and appends wait while the lock is held, so no window's record is lost.
 */
export async function rewriteLines(file: string, rewrite: (text: string) => string): Promise<void> {
  const lock = lockOf(file);
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_LOCK_MS) await rm(lock, { force: true });
    return;
  }
  const next = `${file}.${process.pid}.tmp`;
  try {
    const before = await readFile(file);
    await writeFile(next, rewrite(before.toString('utf8')), 'utf8');
    const after = await readFile(file);
    const tail = after.subarray(before.length);
    if (tail.length) await appendFile(next, tail);
    await rename(next, file);
  } finally {
    await handle.close();
    await rm(lock, { force: true });
    await rm(next, { force: true });
  }
}

/** Every line that parses and passes `isValid`, in order, and how many lines did not. A missing file is empty. */
export async function readJsonLines<T>(file: string, isValid: (value: unknown) => value is T): Promise<{ values: T[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: [], skipped: 0 };
    throw error;
  }
  return parseJsonLines(text, isValid);
}

export function parseJsonLines<T>(text: string, isValid: (value: unknown) => value is T): { values: T[]; skipped: number } {
  const values: T[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isValid(value)) values.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { values, skipped };
}
