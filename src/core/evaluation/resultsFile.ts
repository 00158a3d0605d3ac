/**
 * The results file of `--output`/`--resume`: each case appended as one line the moment it is judged, through the
 * crash-safe JSONL the history uses (whole lines in one write; a line torn by a kill is closed off and costs only
 * itself). Appends are queued and written in order, several lines per write when cases finish together.
 */
import { appendLines, readJsonLines } from '../storage/jsonLines';
import { isCaseLine, type CaseLine } from './evaluationCase';

export class ResultsWriter {
  private pending: string[] = [];
  private draining: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(readonly file: string) {}

  add(line: CaseLine): void {
    this.pending.push(`${JSON.stringify(line)}\n`);
    this.draining ??= this.drain();
  }

  /** Resolves when every added line is on disk; rejects if a write failed. */
  async close(): Promise<void> {
    await this.draining;
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length && !this.failure) {
        const batch = this.pending.splice(0).join('');
        await appendLines(this.file, batch);
      }
    } catch (error) {
      this.failure = error as Error;
    } finally {
      this.draining = null;
      if (this.pending.length && !this.failure) this.draining = this.drain();
    }
  }
}

/** Every whole case in the file, first line per key; `skipped` counts the torn or corrupt lines. */
export async function readResults(file: string): Promise<{ lines: CaseLine[]; skipped: number }> {
  const { values, skipped } = await readJsonLines(file, isCaseLine);
  const seen = new Set<string>();
  const lines = values.filter((line) => !seen.has(line.key) && seen.add(line.key));
  return { lines, skipped };
}
