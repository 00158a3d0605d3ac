/**
 * One batch outcome as the eval case line a streamed run would have written: its parts folded by the engine's own
 * `recordPart`/`toResult` (so text, tool calls, usage, JSON checks are the same), judged by the same assertions,
 * with `metrics.batch: true`, no ttft or tokens/s (a batch has no stream to time), and the cost at the batch rate
 * beside what the same answer would have cost streamed. An item the cloud answered with an error is an error case.
 */
import type { Deployment } from '../config/deployment';
import { toResult } from '../engine/deploymentResult';
import { emptyRunRecord, recordPart } from '../engine/runRecord';
import type { Grader } from '../evaluation/assertions/assertion';
import { evaluateAssertions } from '../evaluation/assertions/evaluateAssertions';
import { placeOf, type CaseLine } from '../evaluation/evaluationCase';
import { judgedCase } from '../evaluation/judgedCase';
import type { EvaluationSuite } from '../evaluation/suite';
import { loadPrices } from '../results/pricing';
import { checkStructuredOutput } from '../results/structuredOutput';
import { checkToolCalls } from '../results/toolCallCheck';
import type { BatchOutcome } from './batchAdapter';
import { caseRequest } from './batchItems';

export interface CaseContext {
  suite: EvaluationSuite;
  deployment: Deployment;
  /** The batch price as a share of the streamed price (the descriptor's `batch.priceFactor`). */
  priceFactor: number;
  grade: Grader;
}

export async function caseLineOf(outcome: BatchOutcome, context: CaseContext): Promise<CaseLine | null> {
  const place = placeOf(outcome.customId);
  const { suite, deployment } = context;
  const test = place && suite.tests[place.test];
  const prompt = place && suite.prompts[place.prompt];
  if (!place || !test || !prompt || place.deployment !== deployment.id) return null; // not one of this plan's cases
  const request = caseRequest(suite, deployment, place.test, place.prompt);
  await loadPrices(); // the price data's chunk, loaded once per process (as the engine does before pricing an answer)
  const record = emptyRunRecord();
  if ('error' in outcome) record.error = outcome.error;
  else for (const part of outcome.parts) recordPart(record, part, 0);
  record.ttftMs = null;
  record.ttfrMs = null;
  const result = toResult(deployment, record);
  if (record.error === null) Object.assign(result, await checkStructuredOutput(result.text, request));
  result.toolCalls = await checkToolCalls(result.toolCalls, request);
  const streamedCostUsd = result.metrics.costUsd;
  const costUsd = streamedCostUsd === null ? null : streamedCostUsd * context.priceFactor;
  // a batch has no stream to time: no ttft, total or tokens/s
  result.metrics = { ...result.metrics, costUsd, ttftMs: null, totalMs: null, tokensPerSecond: null };
  const graderCosts: Array<number | null> = [];
  const assertions = result.status === 'ok' ? await evaluateAssertions(test.assert, { result, vars: test.vars, grade: context.grade, graderCosts }) : [];
  return judgedCase(suite, place, result, assertions, graderCosts, { batch: true, streamedCostUsd });
}
