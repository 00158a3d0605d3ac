/**
 * Faults from the emulators against every provider at once (Bedrock over HTTP/2 and HTTP/1.1): each column ends
 * in the right state with the right reason within its bound, and nothing is retried once text has arrived.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout, type DeploymentResult } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import type { Behaviour } from '../emulators/behaviour';
import { PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';

interface Fault {
  name: string;
  behaviour: Behaviour;
  status: DeploymentResult['status'];
  kinds: string[];
  /** Requests each deployment should have made (retries included). */
  requests: number;
  textKept: boolean;
}

const FAULTS: Fault[] = [
  { name: '429 storm with retry-after', behaviour: { error: { status: 429, headers: { 'retry-after-ms': '40', 'retry-after': '1' } } }, status: 'error', kinds: ['rate_limit'], requests: 3, textKept: false },
  { name: '429 storm without retry-after', behaviour: { error: { status: 429 } }, status: 'error', kinds: ['rate_limit'], requests: 3, textKept: false },
  { name: '500 on every request', behaviour: { error: { status: 500 } }, status: 'error', kinds: ['server'], requests: 3, textKept: false },
  { name: 'connection reset before the first byte', behaviour: { resetBeforeHeaders: true }, status: 'error', kinds: ['network', 'server', 'unknown'], requests: 3, textKept: false },
  { name: 'connection reset after text', behaviour: { tokens: 8, dropAfterTokens: 3, tokensPerSecond: 200 }, status: 'error', kinds: ['network', 'server', 'unknown'], requests: 1, textKept: true },
  { name: 'half-sent (malformed) frame after text', behaviour: { tokens: 8, malformedAfterTokens: 3, tokensPerSecond: 200 }, status: 'error', kinds: ['network', 'server', 'unknown'], requests: 1, textKept: true },
  { name: 'stall past the idle timeout after text', behaviour: { tokens: 8, stallAfterTokens: 3, tokensPerSecond: 200 }, status: 'timeout', kinds: ['timeout'], requests: 1, textKept: true },
  { name: 'stall before the first byte', behaviour: { headersDelayMs: 5000 }, status: 'timeout', kinds: ['timeout'], requests: 3, textKept: false },
];

describe('faults from every cloud', function () {
  this.timeout(60_000);
  let emulators: Emulators;
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());

  const table: string[] = [];
  after(() => console.log(`      ${table.join('\n      ')}`));

  for (const fault of FAULTS) {
    it(`${fault.name}: every column ends ${fault.status} with the right reason, in time`, async () => {
      emulators.reset();
      for (const emulator of [emulators.openai, emulators.bedrock, emulators.google]) emulator.behaviour.reset({ default: fault.behaviour });
      const all = deploymentsFor(emulators);
      const list: Deployment[] = [all.openai, all.azure, all.bedrock, all.gemini, all.vertex];
      const options = { loadAdapter, credentials: testCredentials(), idleTimeoutMs: 300, firstByteTimeoutMs: 400, timeoutMs: 8000, retry: { maxRetries: 2, baseDelayMs: 30, maxDelayMs: 2000 } };
      const started = performance.now();
      const results = (await Promise.all([
        runFanout(PROMPT, list, options),
        runFanout(PROMPT, [{ ...all.bedrock, id: 'bedrock-h1' }], { ...options, transport: { http1: true } }),
      ])).flat();
      const elapsed = performance.now() - started;
      for (const result of results) {
        assert.equal(result.status, fault.status, `${result.deployment}: ${JSON.stringify(result.error)}`);
        assert.ok(fault.kinds.includes(result.error!.kind), `${result.deployment}: kind ${result.error!.kind}`);
        assert.ok(result.error!.message.length > 20, `${result.deployment}: a reason a person can act on`);
        assert.equal(result.text.length > 0, fault.textKept, `${result.deployment}: text ${JSON.stringify(result.text)}`);
        assert.equal(result.retries, fault.requests - 1, `${result.deployment}: ${result.retries} retries`);
      }
      const perServer = [emulators.openai, emulators.bedrock, emulators.google].map((emulator) => emulator.server.requests.length);
      assert.deepEqual(perServer, [2 * fault.requests, 2 * fault.requests, 2 * fault.requests], 'requests per server (2 deployments each)');
      assert.ok(elapsed < 6000, `took ${Math.round(elapsed)} ms`);
      table.push(`${fault.name}: ${results.length} columns ${fault.status}, ${perServer.reduce((a, b) => a + b, 0)} requests, ${Math.round(elapsed)} ms`);
    });
  }
});
