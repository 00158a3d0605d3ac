/**
 * JSONL files that survive crashes: appends of whole lines with one write (closing off a line torn by an earlier
 * kill first, so it costs only itself), and reads that keep every valid line and count the rest.
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
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

/** Every line that parses and passes `isValid`, in order, and how many lines did not. A missing file is empty. */
export async function readJsonLines<T>(file: string, isValid: (value: unknown) => value is T): Promise<{ values: T[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: [], skipped: 0 };
    throw error;
  }
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
