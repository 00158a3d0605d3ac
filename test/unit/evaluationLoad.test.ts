/**
 * The evaluation's fair-load logic on a virtual clock: the deployment gate (concurrency, requests and tokens per
 * minute, a 429 pausing the whole deployment) and the runner driving scripted adapters, asserted to the millisecond.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { DeploymentGate, type GateTicket } from '../../src/core/evaluation/deploymentGate';
import type { CaseLine } from '../../src/core/evaluation/evaluationCase';
import { runEvaluation, type EvaluationOptions } from '../../src/core/evaluation/runner';
import { parseTestsFile } from '../../src/core/evaluation/testsFile';
import { testCredentials } from '../support/fixtures';
import { ScriptedAdapter, answer, rateLimited, type Step } from '../support/scriptedAdapter';
import { VirtualClock } from '../support/virtualClock';

/** Acquires `count` tickets one after another on the gate, recording when each was granted. */
function requester(gate: DeploymentGate, clock: VirtualClock) {
  const granted: number[] = [];
  const tickets: GateTicket[] = [];
  const ask = (tokens = 1): Promise<void> => gate.acquire(tokens).then((ticket) => {
    granted.push(clock.now());
    tickets.push(ticket!);
  });
  return { granted, tickets, ask };
}

describe('evaluation load: the deployment gate (virtual clock)', () => {
  it('never lets more than `concurrency` requests in at once; a release lets the next in, in order', async () => {
    const clock = new VirtualClock();
    const gate = new DeploymentGate({ concurrency: 2 }, clock);
    const { granted, tickets, ask } = requester(gate, clock);
    const all = [ask(), ask(), ask(), ask()];
    await clock.settle();
    assert.equal(granted.length, 2);
    await clock.advance(100);
    gate.release(tickets[0]!);
    await clock.settle();
    assert.deepEqual(granted, [0, 0, 100]);
    gate.release(tickets[1]!);
    await Promise.all(all);
    assert.deepEqual(granted, [0, 0, 100, 100]);
    assert.equal(gate.maxInFlight, 2);
  });

  it('requests per minute: the next start waits until the oldest of the window is a minute old', async () => {
    const clock = new VirtualClock();
    const gate = new DeploymentGate({ concurrency: 10, requestsPerMinute: 2 }, clock);
    const { granted, ask } = requester(gate, clock);
    await clock.run(Promise.all([ask(), ask(), ask(), ask(), ask()]));
    assert.deepEqual(granted, [0, 0, 60_000, 60_000, 120_000]);
    gate.dispose();
  });

  it('tokens per minute: a request waits until it fits; one larger than the budget runs alone', async () => {
    const clock = new VirtualClock();
    const gate = new DeploymentGate({ concurrency: 10, tokensPerMinute: 1000 }, clock);
    const { granted, tickets, ask } = requester(gate, clock);
    await clock.run(Promise.all([ask(600), ask(300)]));
    const third = ask(300);
    await clock.advance(10_000);
    gate.release(tickets[0]!, 400); // the answer used less than estimated: the window counts what it used
    await clock.run(third);
    assert.deepEqual(granted, [0, 0, 10_000]);
    const { granted: big, ask: askBig } = requester(gate, clock);
    await clock.run(askBig(5000));
    assert.equal(big[0], 70_000, 'waits for the whole window to empty (the last start was at 10 s), then runs alone');
    gate.dispose();
  });

  it('a pause (429 retry-after) holds every request of the deployment until it ends', async () => {
    const clock = new VirtualClock();
    const gate = new DeploymentGate({ concurrency: 5 }, clock);
    const { granted, ask } = requester(gate, clock);
    await clock.run(ask());
    gate.pause(1500);
    await clock.advance(200);
    gate.pause(300); // a shorter pause does not shorten the first
    await clock.run(Promise.all([ask(), ask()]));
    assert.deepEqual(granted, [0, 1500, 1500]);
    assert.equal(clock.pending, 0);
  });

  it('an aborted wait resolves null and gives its turn to the next', async () => {
    const clock = new VirtualClock();
    const gate = new DeploymentGate({ concurrency: 1 }, clock);
    const first = await gate.acquire(1);
    const controller = new AbortController();
    const waiting = gate.acquire(1, controller.signal);
    const next = gate.acquire(1);
    controller.abort();
    assert.equal(await waiting, null);
    gate.release(first!);
    assert.ok(await next);
  });
});

describe('evaluation load: the runner (virtual clock, scripted clouds)', () => {
  const deployment = (id: string): Deployment => ({ id, provider: 'openai', model: 'gpt-4o-mini' });

  async function evaluate(scripts: Record<string, Step[][]>, tests: number, extra: Partial<EvaluationOptions> = {}, concurrency = 2) {
    const clock = new VirtualClock();
    const adapter = new ScriptedAdapter(clock, scripts);
    const suite = await parseTestsFile(`prompts: ["Say {{word}}"]\ntests:\n${Array.from({ length: tests }, (_, i) => `  - vars: { word: w${i} }\n    assert: [{ type: contains, value: Hello }]\n`).join('')}`, 'tests.yaml', { allowJavascript: false });
    const lines: CaseLine[] = [];
    const outcome = await clock.run(runEvaluation({
      suite, deployments: Object.keys(scripts).map(deployment), graders: new Map(), repeat: 1, finished: new Set(),
      limitsFor: () => ({ concurrency }), engine: { loadAdapter: async () => adapter, credentials: testCredentials() }, clock,
      onCase: (line) => lines.push(line), ...extra,
    }));
    assert.equal(clock.pending, 0, 'a finished evaluation leaves no timer behind');
    return { outcome, lines, calls: adapter.calls };
  }

  it('runs each deployment through its own queue at once, never past its concurrency', async () => {
    const slow = [answer({ firstTokenMs: 100 })];
    const fast = [answer({ firstTokenMs: 10 })];
    const { outcome, calls, lines } = await evaluate({ a: slow, b: fast }, 4);
    assert.deepEqual(calls.filter((call) => call.deployment === 'a').map((call) => call.sentAt), [0, 0, 100, 100]);
    assert.deepEqual(calls.filter((call) => call.deployment === 'b').map((call) => call.sentAt), [0, 0, 10, 10], 'b is not held back by a');
    assert.deepEqual(outcome.maxInFlight, { a: 2, b: 2 });
    assert.equal(lines.length, 8);
    assert.ok(lines.every((line) => line.pass));
  });

  it('a 429 with retry-after pauses the whole deployment, not only its case', async () => {
    const { calls, lines } = await evaluate({ a: [answer({ firstTokenMs: 100 }), [rateLimited(1000)], answer({ firstTokenMs: 100 })] }, 4);
    // calls 0 and 1 start at once; call 1 is told to wait 1 s: call 0 ends at 100 ms, but the next case waits for the pause
    assert.deepEqual(calls.map((call) => call.sentAt), [0, 0, 1000, 1000, 1100]);
    assert.equal(lines.length, 4);
  });

  it('--max-cost: stops starting cases once reached; the case in flight finishes and counts', async () => {
    const priced: Deployment = { id: 'a', provider: 'openai', model: 'gpt-4o-mini', pricing: { inputPerMTok: 1_000_000, outputPerMTok: 0 } };
    const clock = new VirtualClock();
    const adapter = new ScriptedAdapter(clock, { a: [answer({ firstTokenMs: 100, inputTokens: 1 })] });
    const suite = await parseTestsFile('prompt: "Hi {{n}}"\ntests: [{vars: {n: 1}}, {vars: {n: 2}}, {vars: {n: 3}}, {vars: {n: 4}}, {vars: {n: 5}}]', 'tests.yaml', { allowJavascript: false });
    const lines: CaseLine[] = [];
    const outcome = await clock.run(runEvaluation({
      suite, deployments: [priced], graders: new Map(), repeat: 1, finished: new Set(), limitsFor: () => ({ concurrency: 2 }),
      engine: { loadAdapter: async () => adapter, credentials: testCredentials() }, clock, maxCostUsd: 1.5, onCase: (line) => lines.push(line),
    }));
    // each case costs $1: two start together; the first to end ($1) lets a third start, the second reaches $2 ≥ $1.50
    // before its slot frees: nothing more starts, and the third, in flight, finishes and counts
    assert.deepEqual(adapter.calls.map((call) => call.sentAt), [0, 0, 100]);
    assert.equal(lines.length, 3);
    assert.deepEqual({ stopped: outcome.stopped, unsent: outcome.unsent, spent: outcome.spentUsd }, { stopped: 'max-cost', unsent: 2, spent: 3 });
  });
});
