/**
 * Fallback chains on every provider kind's emulator: each trigger (outage, connection reset, rate limit, quota,
 * timeout) moves on to the next deployment; each non-trigger (a bad key, a bad request, a content filter, a context
 * too long, a failure after text arrived) is shown as it is, and the fallback is never called. Then the drill.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { parseDeployments } from '../../src/core/config/deployment';
import { FALLBACK_TRIGGERS, fallbackChain, fallsBack, runWithFallbacks, type FallbackEvent } from '../../src/core/engine/fallback';
import { describeScenario, drillFallbacks } from '../../src/core/engine/fallbackDrill';
import type { FanoutOptions } from '../../src/core/engine/fanout';
import { fallbackRefusal } from '../../src/core/security/trust';
import { loadAdapter } from '../../src/providers/registry';
import type { Behaviour } from '../emulators/behaviour';
import { KEYS, PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators, type TestDeployments } from '../support/fixtures';

type EmulatorName = 'openai' | 'bedrock' | 'google';
const EMULATOR_OF: Record<keyof TestDeployments, EmulatorName> = {
  openai: 'openai', compatible: 'openai', azure: 'openai', vertexOpenai: 'openai', bedrock: 'bedrock', vertex: 'google', gemini: 'google',
};
/** The backup sits on another emulator, so the primary's fault never reaches it. */
const BACKUP_OF: Record<EmulatorName, keyof TestDeployments> = { openai: 'bedrock', bedrock: 'gemini', google: 'openai' };

const TRIGGERS: Array<{ name: string; kind: string; behaviour: Behaviour }> = [
  { name: 'an outage (503)', kind: 'server', behaviour: { error: { status: 503, message: 'Service unavailable' } } },
  { name: 'a connection reset before the headers', kind: 'network', behaviour: { resetBeforeHeaders: true } },
  { name: 'a rate limit (429)', kind: 'rate_limit', behaviour: { error: { status: 429, message: 'Too many requests' } } },
  { name: 'a quota wall', kind: 'quota', behaviour: { error: { status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' } } },
  { name: 'no first byte in time', kind: 'timeout', behaviour: { headersDelayMs: 3000 } },
];
const NON_TRIGGERS: Array<{ name: string; kind: string; behaviour: Behaviour; text?: boolean }> = [
  { name: 'a bad key (401)', kind: 'auth', behaviour: { error: { status: 401, message: 'Invalid API key' } } },
  { name: 'a bad request (400)', kind: 'bad_request', behaviour: { error: { status: 400, message: 'Invalid value for temperature' } } },
  { name: 'a content filter', kind: 'content_filter', behaviour: { contentFilter: true } },
  { name: 'a context too long', kind: 'context_length', behaviour: { error: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens." } } },
  { name: 'an outage in the stream after text arrived', kind: 'server', behaviour: { tokens: 10, streamErrorAfterTokens: 3 }, text: true },
  { name: 'a stall after text arrived', kind: 'timeout', behaviour: { tokens: 10, stallAfterTokens: 3 }, text: true },
];

describe('fallback chains', () => {
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  // the emulator's OpenAI-compatible route takes the OpenAI test key
  const options = (extra: Partial<FanoutOptions> = {}): FanoutOptions => ({
    loadAdapter, credentials: testCredentials({ 'local-llama': { type: 'api-key', key: KEYS.openai, source: 'test' } }), retry: { maxRetries: 0 }, firstByteTimeoutMs: 400, idleTimeoutMs: 400, ...extra,
  });
  const requestsTo = (name: EmulatorName): number => emulators[name].server.requests.length;

  for (const kind of Object.keys(EMULATOR_OF) as Array<keyof TestDeployments>) {
    describe(`${kind} falls back`, () => {
      const chainOf = (): { primary: Deployment; backup: Deployment; backupEmulator: EmulatorName } => {
        const all = deploymentsFor(emulators);
        const backupKind = BACKUP_OF[EMULATOR_OF[kind]];
        return { primary: { ...all[kind], fallbacks: [all[backupKind].id] } as Deployment, backup: all[backupKind], backupEmulator: EMULATOR_OF[backupKind] };
      };

      for (const trigger of TRIGGERS) {
        it(`on ${trigger.name}`, async () => {
          const { primary, backup, backupEmulator } = chainOf();
          emulators[EMULATOR_OF[kind]].behaviour.next(trigger.behaviour);
          const events: FallbackEvent[] = [];
          const result = await runWithFallbacks(PROMPT, [primary, backup], { ...options(), onFallback: (event) => events.push(event) });
          // Google says RESOURCE_EXHAUSTED (429) for a quota and a rate limit alike: either way it falls back
          const kinds = trigger.kind === 'quota' && EMULATOR_OF[kind] === 'google' ? ['quota', 'rate_limit'] : [trigger.kind];
          assert.ok(kinds.includes(result.attempts?.[0]?.error?.kind ?? ''), JSON.stringify(result.attempts?.[0]?.error));
          assert.equal(result.status, 'ok', JSON.stringify(result.error));
          assert.equal(result.deployment, primary.id, 'the result keeps the requested deployment');
          assert.equal(result.answeredBy, backup.id);
          assert.deepEqual(result.attempts?.map((attempt) => [attempt.deployment, attempt.error === null]), [[primary.id, false], [backup.id, true]]);
          assert.equal(result.provider, backup.provider, 'the metrics and model are the answering call\'s');
          assert.ok(result.text.length > 0);
          assert.deepEqual(events.map((event) => [event.from, event.to]), [[primary.id, backup.id]]);
          assert.equal(requestsTo(backupEmulator), 1);
        });
      }

      for (const failure of NON_TRIGGERS) {
        it(`not on ${failure.name}`, async () => {
          const { primary, backup, backupEmulator } = chainOf();
          emulators[EMULATOR_OF[kind]].behaviour.next(failure.behaviour);
          const result = await runWithFallbacks(PROMPT, [primary, backup], options());
          if (failure.kind === 'content_filter') assert.ok(result.finishReason === 'content_filter' || result.error?.kind === 'content_filter', JSON.stringify(result));
          else if (failure.text) assert.ok(FALLBACK_TRIGGERS.has(result.error!.kind), `a kind that falls back before output: ${JSON.stringify(result.error)}`);
          else assert.equal(result.error?.kind, failure.kind, JSON.stringify(result.error));
          assert.equal(result.deployment, primary.id);
          assert.equal(result.answeredBy, failure.kind === 'content_filter' && !result.error ? primary.id : null);
          assert.deepEqual(result.attempts?.map((attempt) => attempt.deployment), [primary.id]);
          if (failure.text) assert.ok(result.text.length > 0, 'the text that arrived is kept');
          assert.equal(requestsTo(backupEmulator), 0, 'the fallback was never called');
        });
      }
    });
  }

  it('goes down a chain of three, and says so when nothing answered', async () => {
    const all = deploymentsFor(emulators);
    const chain = fallbackChain({ ...all.openai, fallbacks: [all.bedrock.id, all.gemini.id] }, [all.openai, all.bedrock, all.gemini]);
    emulators.openai.behaviour.next({ error: { status: 500 } });
    emulators.bedrock.behaviour.next({ error: { status: 503 } });
    emulators.google.behaviour.next({ error: { status: 429 } });
    const result = await runWithFallbacks(PROMPT, chain, options());
    assert.equal(result.answeredBy, null);
    assert.equal(result.deployment, all.openai.id);
    assert.deepEqual(result.attempts?.map((attempt) => [attempt.deployment, attempt.error?.kind]), [[all.openai.id, 'server'], [all.bedrock.id, 'server'], [all.gemini.id, 'rate_limit']]);
    assert.equal(result.error?.kind, 'rate_limit', 'the last error is the one shown');
  });

  it('a cancelled run does not move on', async () => {
    const all = deploymentsFor(emulators);
    const controller = new AbortController();
    emulators.openai.behaviour.next({ headersDelayMs: 3000 });
    const running = runWithFallbacks(PROMPT, [all.openai, all.bedrock], options({ signal: controller.signal, firstByteTimeoutMs: 5000 }));
    while (requestsTo('openai') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const result = await running;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.attempts?.length, 1);
    assert.equal(requestsTo('bedrock'), 0);
  });

  it('fallsBack: only trigger kinds, only before any output', () => {
    const base = { text: '', toolCalls: [], reasoning: null } as unknown as Parameters<typeof fallsBack>[0];
    const withError = (kind: string, extra = {}) => ({ ...base, error: { kind, message: '', status: null, retryable: true, requestId: null }, ...extra }) as Parameters<typeof fallsBack>[0];
    assert.deepEqual(['server', 'network', 'timeout', 'rate_limit', 'quota'].map((kind) => fallsBack(withError(kind))), [true, true, true, true, true]);
    assert.deepEqual(['auth', 'permission', 'bad_request', 'content_filter', 'context_length', 'not_found', 'cancelled', 'unknown'].map((kind) => fallsBack(withError(kind))), Array(8).fill(false));
    assert.equal(fallsBack(withError('server', { text: 'Hel' })), false);
    assert.equal(fallsBack(withError('server', { reasoning: 'thinking' })), false);
    assert.equal(fallsBack({ ...base, error: null } as Parameters<typeof fallsBack>[0]), false);
  });

  describe('the drill', () => {
    it('makes each deployment of the chain fail in turn, sends nothing to the failing ones, and says who answers', async () => {
      const all = deploymentsFor(emulators);
      const chain = fallbackChain({ ...all.openai, fallbacks: [all.bedrock.id, all.gemini.id] }, [all.openai, all.bedrock, all.gemini]);
      const scenarios = await drillFallbacks(chain, options());
      assert.deepEqual(scenarios.map((scenario) => [scenario.failing, scenario.answeredBy]), [
        [[all.openai.id], all.bedrock.id],
        [[all.openai.id, all.bedrock.id], all.gemini.id],
        [[all.openai.id, all.bedrock.id, all.gemini.id], null],
      ]);
      assert.equal(requestsTo('openai'), 0, 'the failing deployment is never called');
      assert.equal(requestsTo('bedrock'), 1, 'bedrock is called once: when it is the first not failing');
      assert.equal(requestsTo('google'), 1);
      assert.match(describeScenario(scenarios[0]!), new RegExp(`^${all.openai.id} fails → ${all.bedrock.id} answers`));
      assert.match(describeScenario(scenarios[2]!), /fail → nothing answers: server — Drill: a synthetic outage/);
    });

    it('shows a real failure of a fallback during the drill', async () => {
      const all = deploymentsFor(emulators);
      emulators.bedrock.behaviour.next({ error: { status: 401 } });
      const [first] = await drillFallbacks([all.openai, all.bedrock], options());
      assert.equal(first?.answeredBy, null);
      assert.equal(first?.result.error?.kind, 'auth');
    });
  });

  describe('config', () => {
    const entry = (id: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'openai', model: 'gpt-4o-mini', ...extra });

    it('an unknown id, the deployment itself or a repeated id in fallbacks is a config error naming the place', () => {
      const parsed = parseDeployments([entry('a', { fallbacks: ['b', 'c', 'a', 'b'] }), entry('b'), entry('cc')]);
      assert.equal(parsed.ok, false);
      const issues = parsed.ok ? [] : parsed.issues.map((issue) => `${issue.path}: ${issue.message}`);
      assert.equal(issues.length, 3, issues.join('\n'));
      assert.match(issues[0]!, /^deployments \("a"\)\.fallbacks\[1\]: unknown deployment "c" — .*known: a, b, cc/);
      assert.match(issues[1]!, /fallbacks\[2\]: "a" is this deployment itself/);
      assert.match(issues[2]!, /fallbacks\[3\]: "b" is named twice/);
      assert.deepEqual(parsed.deployments.find((deployment) => deployment.id === 'a')?.fallbacks, ['b'], 'the deployment stays usable with its valid fallbacks');
    });

    it('takes a valid chain, and rejects a fallback that is not an id', () => {
      assert.equal(parseDeployments([entry('a', { fallbacks: ['b'] }), entry('b')]).ok, true);
      const bad = parseDeployments([entry('a', { fallbacks: 'b' })]);
      assert.equal(bad.ok, false);
      assert.match(bad.ok ? '' : bad.issues[0]!.message, /must be a list/);
    });

    it('a workspace file names fallbacks only among deployments it may run', () => {
      const user = parseDeployments([entry('mine')]).deployments[0]!;
      const shared = parseDeployments([entry('shared')]).deployments[0]!;
      assert.match(fallbackRefusal({ id: 'team', source: 'workspace' }, { deployment: user, source: 'user' }, true) ?? '', /a workspace file may name only its own deployments/);
      assert.equal(fallbackRefusal({ id: 'team', source: 'workspace' }, { deployment: shared, source: 'workspace' }, true), null);
      assert.match(fallbackRefusal({ id: 'team', source: 'workspace' }, { deployment: shared, source: 'workspace' }, false) ?? '', /Restricted Mode/);
      assert.equal(fallbackRefusal({ id: 'mine', source: 'user' }, { deployment: user, source: 'user' }, false), null);
      assert.match(fallbackRefusal({ id: 'mine', source: 'user' }, { deployment: shared, source: 'workspace' }, false) ?? '', /Restricted Mode/);
    });
  });
});
