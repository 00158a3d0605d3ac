/**
 * Runs an evaluation: every (test × prompt × repeat) case on every deployment, each deployment working through its
 * own queue at the same time (so cases interleave across clouds and none is measured while another hogs the
 * machine), through its gate (concurrency, requests and tokens per minute, a 429's retry-after pausing the whole
 * deployment). Each case is judged as it finishes and handed to `onCase` at once; nothing is held. Cases in `finished`
 * (a resumed file) are never sent. `maxCostUsd` stops launching cases once reached; cases in flight finish and count.
 */
import type { Deployment } from '../config/deployment';
import { realClock, type Clock } from '../engine/clock';
import type { DeploymentResult } from '../engine/deploymentResult';
import { runFanout, type FanoutOptions } from '../engine/fanout';
import type { Grader } from './assertions/assertion';
import { evaluateAssertions } from './assertions/evaluateAssertions';
import { answerBudget, requestTokens } from './costEstimate';
import { DeploymentGate } from './deploymentGate';
import { caseKey, type CaseLine, type CasePlace } from './evaluationCase';
import { judgedCase } from './judgedCase';
import { buildRequest } from './promptTemplates';
import { readGrade, rubricRequest } from './rubricRequest';
import type { DeploymentLimits, EvaluationSuite } from './suite';

export interface EvaluationOptions {
  suite: EvaluationSuite;
  deployments: readonly Deployment[];
  /** The deployments llm-rubric assertions name, by id (one may also be evaluated). */
  graders: ReadonlyMap<string, Deployment>;
  repeat: number;
  /** Keys of cases already done (a resumed results file): never sent again. */
  finished: ReadonlySet<string>;
  limitsFor: (deployment: string) => DeploymentLimits;
  maxCostUsd?: number;
  engine: Omit<FanoutOptions, 'onEvent' | 'signal' | 'clock'>;
  clock?: Clock;
  signal?: AbortSignal;
  onCase: (line: CaseLine) => void;
}

export interface EvaluationOutcome {
  /** Cases judged in this run. */
  ran: number;
  /** Cases neither finished before nor run now (stopped or cancelled). */
  unsent: number;
  stopped: 'max-cost' | 'cancelled' | null;
  /** Answers and grading together, as --max-cost counts them. */
  spentUsd: number;
  graderCostUsd: number;
  /** The most requests in flight at once, per deployment (graders included). */
  maxInFlight: Record<string, number>;
}

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationOutcome> {
  const { suite, repeat, finished } = options;
  const clock = options.clock ?? realClock;
  const stopLaunching = new AbortController();
  const launchSignal = options.signal ? AbortSignal.any([options.signal, stopLaunching.signal]) : stopLaunching.signal;
  const gates = new Map<string, DeploymentGate>();
  const gateFor = (id: string): DeploymentGate => {
    let gate = gates.get(id);
    if (!gate) gates.set(id, (gate = new DeploymentGate(options.limitsFor(id), clock)));
    return gate;
  };
  let ran = 0;
  let spentUsd = 0;
  let graderCostUsd = 0;
  let stopped: EvaluationOutcome['stopped'] = null;
  const spend = (usd: number | null): void => {
    spentUsd += usd ?? 0;
    if (options.maxCostUsd !== undefined && spentUsd >= options.maxCostUsd && !stopped) {
      stopped = 'max-cost';
      stopLaunching.abort();
    }
  };

  /** One call through the deployment's gate; a 429 pauses the whole deployment for its retry-after. */
  const call = async (deployment: Deployment, request: Parameters<typeof runFanout>[0], tokens: number): Promise<DeploymentResult | null> => {
    const gate = gateFor(deployment.id);
    const ticket = await gate.acquire(tokens, launchSignal);
    if (!ticket) return null;
    if (launchSignal.aborted) {
      gate.release(ticket);
      return null;
    }
    let result: DeploymentResult | undefined;
    try {
      [result] = await runFanout(request, [deployment], {
        ...options.engine,
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
        onEvent: (event) => {
          if (event.type === 'retry' && event.error.kind === 'rate_limit') gate.pause(event.delayMs);
        },
      });
    } finally {
      // counted before the slot frees, so a --max-cost reached now stops the case that would take the slot
      spend(result?.metrics.costUsd ?? null);
      const used = result?.metrics.inputTokens != null && result.metrics.outputTokens != null ? result.metrics.inputTokens + result.metrics.outputTokens : null;
      gate.release(ticket, used);
    }
    if (result!.error?.kind === 'rate_limit' && result!.error.retryAfterMs) gate.pause(result!.error.retryAfterMs);
    return result!;
  };

  const grade: Grader = async (graderId, rubric, answer) => {
    const deployment = options.graders.get(graderId);
    if (!deployment) throw new Error(`no deployment "${graderId}" to grade with`);
    const request = rubricRequest(rubric, answer);
    const result = await call(deployment, request, requestTokens(request) + 256);
    if (!result) throw new Error('cancelled');
    graderCostUsd += result.metrics.costUsd ?? 0;
    return readGrade(graderId, result);
  };

  const runCase = async (deployment: Deployment, place: CasePlace): Promise<void> => {
    const test = suite.tests[place.test]!;
    const prompt = suite.prompts[place.prompt]!;
    const request = buildRequest(suite, prompt, test.vars);
    const result = await call(deployment, request, requestTokens(request) + answerBudget(deployment));
    // not started (stopped or cancelled), or cut off by a cancel: not recorded, so --resume sends it
    if (!result || (result.status === 'cancelled' && options.signal?.aborted)) return;
    const graderCosts: Array<number | null> = [];
    const assertions = result.status === 'ok' ? await evaluateAssertions(test.assert, { result, vars: test.vars, grade, graderCosts }) : [];
    ran++;
    options.onCase(judgedCase(suite, place, result, assertions, graderCosts));
  };

  /** One deployment's queue: whole passes over the tests, repeat by repeat, never more cases open than twice its limit. */
  const work = async (deployment: Deployment): Promise<void> => {
    const open = new Set<Promise<void>>();
    const limit = options.limitsFor(deployment.id).concurrency * 2;
    queue: for (let r = 1; r <= repeat; r++) {
      for (let t = 0; t < suite.tests.length; t++) {
        for (let p = 0; p < suite.prompts.length; p++) {
          const place = { test: t, prompt: p, repeat: r, deployment: deployment.id };
          if (finished.has(caseKey(place))) continue;
          while (open.size >= limit) await Promise.race(open);
          if (launchSignal.aborted) break queue;
          const running: Promise<void> = runCase(deployment, place).finally(() => open.delete(running));
          open.add(running);
          // let the gate hand out the slot before the next case is considered
          await Promise.resolve();
        }
      }
    }
    await Promise.all(open);
  };

  try {
    await Promise.all(options.deployments.map(work));
  } finally {
    for (const gate of gates.values()) gate.dispose();
  }
  if (options.signal?.aborted) stopped = 'cancelled';
  const planned = options.deployments.length * repeat * suite.tests.length * suite.prompts.length;
  return {
    ran,
    unsent: planned - countFinished(options) - ran,
    stopped,
    spentUsd,
    graderCostUsd,
    maxInFlight: Object.fromEntries([...gates].map(([id, gate]) => [id, gate.maxInFlight])),
  };
}

/** How many of the plan's cases the resumed file already held. */
function countFinished(options: EvaluationOptions): number {
  let count = 0;
  for (const deployment of options.deployments) {
    for (let r = 1; r <= options.repeat; r++) {
      for (let t = 0; t < options.suite.tests.length; t++) {
        for (let p = 0; p < options.suite.prompts.length; p++) if (options.finished.has(caseKey({ test: t, prompt: p, repeat: r, deployment: deployment.id }))) count++;
      }
    }
  }
  return count;
}
