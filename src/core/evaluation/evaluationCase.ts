/**
 * One case's result as DESIGN's `fanout eval --format json` shows it, and its line in the results file: the same
 * object with a `key` in front (test, prompt, repeat, deployment), which is how `--resume` knows what is done.
 */
import type { RunStatus } from '../engine/deploymentResult';
import type { ProviderErrorKind } from '../request/stream';
import type { AssertionOutcome } from './assertions/assertion';

export interface CaseMetrics {
  ttftMs: number | null;
  totalMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokensPerSecond: number | null;
  costUsd: number | null;
  reasoningTokens: number | null;
  /** What grading this case's llm-rubric assertions cost, apart from the answer's cost (null when none ran). */
  graderCostUsd: number | null;
  /** Answered through the cloud's batch service (`fanout eval --batch`): costUsd is at the batch rate. Absent when streamed. */
  batch?: boolean;
  /** A batch case: what the same answer would have cost streamed. */
  streamedCostUsd?: number | null;
}

export interface EvaluationCase {
  test: string;
  vars: Record<string, string>;
  deployment: string;
  /** 1…N with --repeat N. */
  repeat: number;
  status: RunStatus;
  text: string;
  pass: boolean;
  assertions: AssertionOutcome[];
  metrics: CaseMetrics;
  /** Why the deployment gave no answer (null when it answered). */
  error: { kind: ProviderErrorKind; message: string } | null;
}

export interface CaseLine extends EvaluationCase {
  key: string;
}

export interface CasePlace {
  test: number;
  prompt: number;
  /** 1-based. */
  repeat: number;
  deployment: string;
}

export const caseKey = (place: CasePlace): string => `${place.test}/${place.prompt}/${place.repeat}/${place.deployment}`;

export function placeOf(key: string): CasePlace | null {
  const match = /^(\d+)\/(\d+)\/(\d+)\/(.+)$/.exec(key);
  return match ? { test: Number(match[1]), prompt: Number(match[2]), repeat: Number(match[3]), deployment: match[4]! } : null;
}

/** A results-file line that holds a whole case; anything else is skipped (and counted) by the reader. */
export function isCaseLine(value: unknown): value is CaseLine {
  if (value === null || typeof value !== 'object') return false;
  const line = value as Partial<CaseLine>;
  return typeof line.key === 'string' && placeOf(line.key) !== null && typeof line.test === 'string' && typeof line.deployment === 'string'
    && typeof line.repeat === 'number' && typeof line.status === 'string' && typeof line.text === 'string' && typeof line.pass === 'boolean'
    && Array.isArray(line.assertions) && typeof line.metrics === 'object' && line.metrics !== null && typeof line.vars === 'object' && line.vars !== null;
}

/** The report's case: the line without its key. */
export function withoutKey(line: CaseLine): EvaluationCase {
  const { key: _key, ...evaluationCase } = line;
  return evaluationCase;
}
