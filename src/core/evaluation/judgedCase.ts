/**
 * A judged answer as its eval case line: the same for a streamed case (runner.ts) and a fetched batch case
 * (core/batch/batchCase.ts), so both land in one results file, report and view alike.
 */
import type { DeploymentResult } from '../engine/deploymentResult';
import type { AssertionOutcome } from './assertions/assertion';
import type { CaseLine, CaseMetrics, CasePlace } from './evaluationCase';
import { caseKey } from './evaluationCase';
import type { EvaluationSuite } from './suite';

export function judgedCase(
  suite: EvaluationSuite,
  place: CasePlace,
  result: DeploymentResult,
  assertions: AssertionOutcome[],
  graderCosts: ReadonlyArray<number | null>,
  extra: Partial<CaseMetrics> = {},
): CaseLine {
  const test = suite.tests[place.test]!;
  const prompt = suite.prompts[place.prompt]!;
  return {
    key: caseKey(place),
    test: suite.prompts.length > 1 ? `${test.label} · ${prompt.label}` : test.label,
    vars: test.vars,
    deployment: place.deployment,
    repeat: place.repeat,
    status: result.status,
    text: result.text,
    pass: result.status === 'ok' && assertions.every((outcome) => outcome.pass),
    assertions,
    metrics: {
      ttftMs: result.metrics.ttftMs,
      totalMs: result.metrics.totalMs,
      inputTokens: result.metrics.inputTokens,
      outputTokens: result.metrics.outputTokens,
      tokensPerSecond: result.metrics.tokensPerSecond,
      costUsd: result.metrics.costUsd,
      reasoningTokens: result.metrics.reasoningTokens ?? null,
      graderCostUsd: graderCosts.length ? graderCosts.reduce<number>((sum, cost) => sum + (cost ?? 0), 0) : null,
      ...extra,
    },
    error: result.error ? { kind: result.error.kind, message: result.error.message } : null,
  };
}
