/**
 * The results file of `--output`/`--resume`: each case appended as one line the moment it is judged, through the
 * crash-safe JSONL the history uses (whole lines in one write; a line torn by a kill is closed off and costs only
 * itself). Appends are queued and written in order, several lines per write when cases finish together.
 */
import { appendLines, readJsonLines } from '../storage/jsonLines';
import { isBatchJobLine, mergeJobLines, type BatchJobLine, type BatchJobState } from '../batch/batchJobLine';
import { isCaseLine, type CaseLine } from './evaluationCase';

export class ResultsWriter {
  private pending: string[] = [];
  private draining: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(readonly file: string) {}

  add(line: CaseLine | BatchJobLine): void {
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

/**
 * Every whole case in the file, first line per key, and its batch jobs (src/core/batch/batchJobLine.ts), which are
 * not cases and not corrupt; `skipped` counts the torn or corrupt lines.
 */
export async function readResults(file: string): Promise<{ lines: CaseLine[]; jobs: BatchJobState[]; skipped: number }> {
  const { values, skipped } = await readJsonLines(file, (value): value is CaseLine | BatchJobLine => isCaseLine(value) || isBatchJobLine(value));
  const seen = new Set<string>();
  const lines = values.filter((line): line is CaseLine => 'key' in line && !seen.has(line.key) && !!seen.add(line.key));
  const jobs = mergeJobLines(values.filter((line): line is BatchJobLine => !('key' in line) && 'batchJob' in line));
  return { lines, jobs, skipped };
}
