/**
 * Latency phases from the transports' own events, on every provider kind and transport: a first run opens a connection
 * (DNS for "localhost", connect, and TLS on a TLS emulator), a repeat goes on the kept one with no set-up at all, and
 * concurrent runs each get their own. Timings are checked as relations between the phases, never as wall-clock windows.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import type { ProviderAdapter, TransportOptions } from '../../src/core/engine/adapter';
import type { DeploymentResult } from '../../src/core/engine/deploymentResult';
import type { Credential } from '../../src/core/security/credential';
import { runFanout } from '../../src/core/engine/fanout';
import { closeConnections, loadAdapter } from '../../src/providers/registry';
import { KEYS, PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators, type TestDeployments } from '../support/fixtures';
import { makePrivateCa, type PrivateCa } from '../support/tls';

const KINDS: Array<{ name: string; pick: keyof TestDeployments; http1?: boolean }> = [
  { name: 'openai', pick: 'openai' },
  { name: 'openai-compatible', pick: 'compatible' },
  { name: 'azure-openai', pick: 'azure' },
  { name: 'vertex-openai', pick: 'vertexOpenai' },
  { name: 'gemini', pick: 'gemini' },
  { name: 'vertex', pick: 'vertex' },
  { name: 'bedrock over HTTP/2', pick: 'bedrock' },
  { name: 'bedrock over HTTP/1.1', pick: 'bedrock', http1: true },
];

/** The deployment with its emulator reached by name, so a new connection looks the name up. */
function byName(deployment: Deployment, suffix: string): Deployment {
  return JSON.parse(JSON.stringify({ ...deployment, id: `${deployment.id}-${suffix}` }).replaceAll('127.0.0.1', 'localhost')) as Deployment;
}

/** One run after a turn of the event loop (as `fanout run --repeat` makes): the last answer's connection is back in its pool. */
async function runOne(deployment: Deployment, transport: TransportOptions, credential?: Credential): Promise<DeploymentResult> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  // the emulator takes OpenAI's key from an OpenAI-compatible deployment too
  const own = credential ?? (deployment.provider === 'openai-compatible' ? { type: 'api-key', key: KEYS.openai, source: 'test' } as const : null);
  const [result] = await runFanout(PROMPT, [deployment], { loadAdapter, credentials: testCredentials(own ? { [deployment.id]: own } : {}), transport });
  assert.equal(result!.status, 'ok', JSON.stringify(result!.error));
  return result!;
}

function assertConsistent(result: DeploymentResult): void {
  const { phases, ttftMs, totalMs } = result.metrics;
  assert.ok(phases, `${result.deployment}: phases`);
  assert.ok(phases.headersMs !== null && ttftMs !== null && totalMs !== null, `${result.deployment}: ${JSON.stringify(phases)}`);
  assert.equal(phases.ttftMs, ttftMs);
  assert.ok(phases.headersMs <= ttftMs, `${result.deployment}: headers ${phases.headersMs} ≤ ttft ${ttftMs}`);
  assert.ok(ttftMs <= totalMs);
  assert.ok(Math.abs(phases.streamMs! - (totalMs - ttftMs)) <= 0.1, `${result.deployment}: stream = total − ttft`);
  assert.ok(phases.queueMs >= 0);
}

function assertNew(result: DeploymentResult, tls: boolean, dns = true): void {
  assert.equal(result.metrics.connection, 'new', result.deployment);
  const phases = result.metrics.phases!;
  if (dns) assert.equal(typeof phases.dnsMs, 'number', `${result.deployment}: dns`);
  else assert.equal(phases.dnsMs, null, `${result.deployment}: no look-up for an IP address`);
  assert.equal(typeof phases.connectMs, 'number', `${result.deployment}: connect`);
  if (tls) assert.equal(typeof phases.tlsMs, 'number', `${result.deployment}: tls`);
  else assert.equal(phases.tlsMs, null, `${result.deployment}: no TLS on plain HTTP`);
  // the set-up happened before the response headers came, inside the same window
  assert.ok((phases.dnsMs ?? 0) + phases.connectMs! + (phases.tlsMs ?? 0) <= phases.queueMs + phases.headersMs! + 0.2, `${result.deployment}: set-up inside queue + headers`);
}

function assertReused(result: DeploymentResult): void {
  assert.equal(result.metrics.connection, 'reused', result.deployment);
  const { dnsMs, connectMs, tlsMs } = result.metrics.phases!;
  assert.deepEqual({ dnsMs, connectMs, tlsMs }, { dnsMs: null, connectMs: null, tlsMs: null });
}

for (const secure of [false, true]) {
  describe(`latency phases, ${secure ? 'TLS with a private CA' : 'plain HTTP'} emulators`, () => {
    let ca: PrivateCa | undefined;
    before(() => (ca = secure ? makePrivateCa() : undefined));
    after(() => ca?.remove());
    const transportFor = (http1: boolean): TransportOptions => ({ http1, ...(ca ? { network: { extraCa: { pem: ca.caPem, file: ca.caFile } } } : {}) });
    /** Fresh emulators for each test, and no kept client from before. */
    async function withEmulators(use: (emulators: Emulators) => Promise<void>): Promise<void> {
      const emulators = await startEmulators(ca ? { tls: { key: ca.key, cert: ca.cert } } : {});
      try {
        await use(emulators);
      } finally {
        closeConnections();
        await emulators.stop();
      }
    }

    for (const kind of KINDS) {
      it(`${kind.name}: new with its set-up, then reused with none`, () => withEmulators(async (emulators) => {
        const deployment = byName(deploymentsFor(emulators)[kind.pick], `${secure ? 'tls' : 'plain'}-${kind.name.replace(/\W+/g, '-')}`);
        const first = await runOne(deployment, transportFor(kind.http1 === true));
        const second = await runOne(deployment, transportFor(kind.http1 === true));
        const third = await runOne(deployment, transportFor(kind.http1 === true));
        for (const result of [first, second, third]) assertConsistent(result);
        assertNew(first, secure);
        assertReused(second);
        assertReused(third);
      }));
    }

    it('an IP address is not looked up: dns is null, connect and TLS are timed', () => withEmulators(async (emulators) => {
      const deployment = { ...deploymentsFor(emulators).openai, id: `ip-${secure}` };
      const first = await runOne(deployment, transportFor(false));
      assertConsistent(first);
      assertNew(first, secure, false);
    }));

    it('concurrent runs each report their own connection and phases', () => withEmulators(async (emulators) => {
      const all = deploymentsFor(emulators);
      const deployments = [all.openai, all.gemini, all.bedrock].map((deployment) => byName(deployment, 'together'));
      const run = () => runFanout(PROMPT, deployments, { loadAdapter, credentials: testCredentials(), transport: transportFor(false) });
      for (const result of await run()) {
        assert.equal(result.status, 'ok', JSON.stringify(result.error));
        assertConsistent(result);
        assertNew(result, secure);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const result of await run()) {
        assertConsistent(result);
        assertReused(result);
      }
    }));
  });
}

describe('kept connections', () => {
  it('a changed credential or deployment setting gets a new client and connection; closing drops every kept one (Bedrock over HTTP/2)', async () => {
    const emulators = await startEmulators();
    try {
      const deployment = byName(deploymentsFor(emulators).bedrock, 'kept') as TestDeployments['bedrock'];
      assertNew(await runOne(deployment, {}), false);
      assertReused(await runOne(deployment, {}));
      assertNew(await runOne(deployment, {}, { type: 'aws', ...KEYS.awsSession, source: 'test' }), false);
      assertReused(await runOne(deployment, {}, { type: 'aws', ...KEYS.awsSession, source: 'test' }));
      assertNew(await runOne({ ...deployment, region: 'us-west-2' }, {}), false);
      closeConnections();
      assertNew(await runOne({ ...deployment, region: 'us-west-2' }, {}), false);
    } finally {
      closeConnections();
      await emulators.stop();
    }
  });
});

describe('ttft honest under load', () => {
  it("no deployment is sent while another kind's adapter (and its SDK) is still loading", async () => {
    const order: string[] = [];
    let release!: () => void;
    const slowLoad = new Promise<void>((resolve) => (release = resolve));
    const loadAdapter = async (kind: Deployment['provider']): Promise<ProviderAdapter> => {
      if (kind === 'bedrock') {
        await slowLoad;
        order.push('bedrock loaded');
      }
      return {
        async *stream(call) {
          order.push(`${call.deployment.id} sent`);
          yield { type: 'text-delta', text: 'hi' };
          yield { type: 'finish', reason: 'stop', requestId: null };
        },
      };
    };
    const emulatorless = { openai: { id: 'a', provider: 'openai', model: 'gpt-4o-mini' }, bedrock: { id: 'b', provider: 'bedrock', model: 'm', region: 'us-east-1' } } as const;
    const running = runFanout(PROMPT, [emulatorless.openai, emulatorless.bedrock], { loadAdapter, credentials: testCredentials() });
    for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(order, [], 'nothing is sent while an SDK loads');
    release();
    const results = await running;
    assert.deepEqual(results.map((result) => result.status), ['ok', 'ok']);
    assert.equal(order[0], 'bedrock loaded');
  });
});
