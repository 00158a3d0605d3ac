/**
 * The spend ledger: one JSON line per priced answer, appended with one write (a crash cuts at most the line being
 * written; a reload skips it), shared by every window through the same file, each record counted once (by id).
 */
import { rm } from 'node:fs/promises';
import { appendLines, readJsonLines } from './jsonLines';
import type { DeploymentResult } from '../engine/fanout';
import type { ProviderKind } from '../config/deployment';

export interface SpendRecord {
  /** Unique per answer: the run's id and the deployment's. */
  id: string;
  at: string;
  deployment: string;
  provider: ProviderKind | 'vscode-lm';
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  source: string;
}

export type SpendPeriod = 'today' | 'session' | 'month';

export interface SpendSummary {
  totalUsd: number;
  requests: number;
  byDeployment: Array<{ name: string; usd: number; requests: number }>;
  byProvider: Array<{ name: string; usd: number; requests: number }>;
  byDay: Array<{ name: string; usd: number; requests: number }>;
}

function isRecord(value: unknown): value is SpendRecord {
  const record = value as SpendRecord;
  return typeof record === 'object' && record !== null && typeof record.id === 'string' && typeof record.at === 'string'
    && typeof record.deployment === 'string' && typeof record.costUsd === 'number' && Number.isFinite(record.costUsd);
}

const localDay = (iso: string): string => {
  const date = new Date(iso);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};

export class SpendLedger {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string, private readonly sessionStart = new Date()) {}

  /** Records the priced answers of a run (an answer without a known price is not spend Fanout can count). */
  recordResults(runId: string, results: readonly DeploymentResult[], source: string, at = new Date()): Promise<SpendRecord[]> {
    const records: SpendRecord[] = results
      .filter((result) => result.metrics.costUsd !== null && result.metrics.costUsd > 0)
      .map((result) => ({
        id: `${runId}:${result.deployment}`,
        at: at.toISOString(),
        deployment: result.deployment,
        provider: result.provider,
        model: result.model,
        inputTokens: result.metrics.inputTokens ?? 0,
        outputTokens: result.metrics.outputTokens ?? 0,
        costUsd: result.metrics.costUsd!,
        source,
      }));
    return this.record(records);
  }

  /** Appends spend records (one write); the ids must be unique per answer. */
  record(records: SpendRecord[]): Promise<SpendRecord[]> {
    if (records.length === 0) return Promise.resolve([]);
    const write = this.writing.then(async () => {
      await appendLines(this.file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      return records;
    });
    this.writing = write.catch(() => {});
    return write;
  }

  async load(): Promise<{ records: SpendRecord[]; skipped: number }> {
    await this.writing;
    const { values, skipped } = await readJsonLines(this.file, isRecord);
    // two windows may replay the same answer: each id counts once
    const seen = new Set<string>();
    const records = values.filter((record) => !seen.has(record.id) && seen.add(record.id));
    return { records, skipped };
  }

  async summary(period: SpendPeriod, now = new Date()): Promise<SpendSummary> {
    return this.summaryOf((await this.load()).records, period, now);
  }

  /** The summary of one period over records already loaded (to sum several periods from one read). */
  summaryOf(records: readonly SpendRecord[], period: SpendPeriod, now = new Date()): SpendSummary {
    const today = localDay(now.toISOString());
    const month = today.slice(0, 7);
    return summarise(records.filter((record) =>
      period === 'today' ? localDay(record.at) === today
        : period === 'month' ? localDay(record.at).startsWith(month)
          : new Date(record.at) >= this.sessionStart));
  }

  async clear(): Promise<void> {
    await this.writing;
    await rm(this.file, { force: true });
  }
}

export function summarise(records: readonly SpendRecord[]): SpendSummary {
  const group = (key: (record: SpendRecord) => string) => {
    const totals = new Map<string, { usd: number; requests: number }>();
    for (const record of records) {
      const entry = totals.get(key(record)) ?? { usd: 0, requests: 0 };
      entry.usd += record.costUsd;
      entry.requests++;
      totals.set(key(record), entry);
    }
    return [...totals].map(([name, value]) => ({ name, ...value })).sort((a, b) => b.usd - a.usd);
  };
  return {
    totalUsd: records.reduce((sum, record) => sum + record.costUsd, 0),
    requests: records.length,
    byDeployment: group((record) => record.deployment),
    byProvider: group((record) => record.provider),
    byDay: group((record) => localDay(record.at)).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
