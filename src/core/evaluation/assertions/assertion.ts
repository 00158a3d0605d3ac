/**
 * The contract every assertion family follows: `prepare` checks the value once, when the tests file is read (a regex
 * that does not compile, a schema ajv refuses, a script with a syntax error are input errors, before anything is
 * sent); `check` judges one answer. A verdict's reason states what was found, true for the `not-` form as well.
 */
import type { DeploymentResult } from '../../engine/deploymentResult';
import type { ResponseFormat } from '../../request/chatRequest';
import { EvaluationInputError } from '../suite';

/** One assertion as the tests file writes it. */
export interface RawAssertion {
  type: string;
  value?: unknown;
  threshold?: number;
  /** llm-rubric: the deployment that grades (else the file's `grader`). */
  grader?: string;
}

/** One assertion as a report shows it. */
export interface AssertionOutcome {
  type: string;
  pass: boolean;
  reason: string;
}

export interface Verdict {
  pass: boolean;
  reason: string;
}

/** What a grader said about an answer; its cost is counted apart from the answers'. */
export interface Grade {
  pass: boolean;
  score: number | null;
  reason: string;
  costUsd: number | null;
}

/** Asks `deploymentId` to grade `answer` against `rubric`; throws with a reason a person can act on when it cannot. */
export type Grader = (deploymentId: string, rubric: string, answer: string) => Promise<Grade>;

export interface CheckContext {
  result: DeploymentResult;
  vars: Record<string, string>;
  grade: Grader;
  /** Grading costs of this case, added to as rubric assertions run. */
  graderCosts: Array<number | null>;
}

export interface PrepareContext {
  /** `tests[3].assert[0]`: where the assertion sits, for messages. */
  where: string;
  responseFormat: ResponseFormat | undefined;
  /** The CLI and trusted workspaces may run `javascript`; elsewhere it is refused with the reason. */
  allowJavascript: boolean;
  defaultGrader: string | null;
}

export interface AssertionKind<Prepared> {
  prepare(raw: RawAssertion, context: PrepareContext): Prepared | Promise<Prepared>;
  check(prepared: Prepared, context: CheckContext): Verdict | Promise<Verdict>;
}

export interface PreparedAssertion {
  /** As written: `not-contains`. */
  type: string;
  negate: boolean;
  kind: AssertionKind<unknown>;
  prepared: unknown;
}

export const inputError = (where: string, field: string, message: string): EvaluationInputError => new EvaluationInputError(`${where}.${field}: ${message}`);

/** The value as text: numbers and booleans as written, anything else refused. */
export function textValue(raw: RawAssertion, where: string): string {
  if (typeof raw.value === 'string') return raw.value;
  if (typeof raw.value === 'number' || typeof raw.value === 'boolean') return String(raw.value);
  throw inputError(where, 'value', `${raw.type} needs a text value — write value: "…"`);
}

/** `threshold`, a number at or above 0, required. */
export function thresholdValue(raw: RawAssertion, where: string, unit: string): number {
  if (typeof raw.threshold !== 'number' || !Number.isFinite(raw.threshold) || raw.threshold < 0) {
    throw inputError(where, 'threshold', `${raw.type} needs a threshold in ${unit} — write threshold: ${unit === 'ms' ? 2000 : 0.01}`);
  }
  return raw.threshold;
}

/** A quoted excerpt of an answer for a reason line. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}
