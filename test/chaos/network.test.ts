/**
 * Corporate networks and broken names, on every provider through its official SDK: TLS endpoints with a
 * self-signed or private-CA certificate (a clear message, then an extra CA file makes them work — checks are
 * never switched off), a loopback proxy that the requests must go through (CONNECT and plain HTTP, with and
 * without its authentication, bypassed by NO_PROXY), the CLI's HTTPS_PROXY / NO_PROXY / --ca-file, and a DNS
 * lookup that fails. Every target is 127.0.0.1; the DNS case uses a lookup that fails without asking a resolver.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Deployment } from '../../src/core/config/deployment';
import { runFanout, type DeploymentResult, type FanoutOptions } from '../../src/core/engine/fanout';
import type { NetworkSettings } from '../../src/core/engine/network';
import { loadAdapter } from '../../src/providers/registry';
import { TestProxy } from '../emulators/proxy';
import { KEYS, PROMPT, deploymentsFor, startEmulators, testCredentials, type Emulators } from '../support/fixtures';
import { makePrivateCa, type PrivateCa } from '../support/tls';

/** Six columns: OpenAI, Azure, Bedrock over HTTP/2 and HTTP/1.1, Gemini API, Vertex AI. */
function columns(emulators: Emulators, host?: string): Array<{ deployment: Deployment; http1: boolean }> {
  const all = deploymentsFor(emulators);
  const rehost = (url: string): string => (host ? url.replace('127.0.0.1', host) : url);
  return [
    { deployment: { ...all.openai, baseUrl: rehost(all.openai.baseUrl!) }, http1: false },
    { deployment: { ...all.azure, endpoint: rehost(all.azure.endpoint) }, http1: false },
    { deployment: { ...all.bedrock, endpoint: rehost(all.bedrock.endpoint!) }, http1: false },
    { deployment: { ...all.bedrock, id: 'bedrock-h1', endpoint: rehost(all.bedrock.endpoint!) }, http1: true },
    { deployment: { ...all.gemini, baseUrl: rehost(all.gemini.baseUrl!) }, http1: false },
    { deployment: { ...all.vertex, endpoint: rehost(all.vertex.endpoint!) }, http1: false },
  ];
}

async function runAll(emulators: Emulators, network: NetworkSettings | undefined, host?: string): Promise<{ results: DeploymentResult[]; ms: number }> {
  const options: FanoutOptions = { loadAdapter, credentials: testCredentials(), firstByteTimeoutMs: 3000, timeoutMs: 8000, retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 200 } };
  const started = performance.now();
  const results = (await Promise.all(columns(emulators, host).map(({ deployment, http1 }) =>
    runFanout(PROMPT, [deployment], { ...options, transport: { http1, ...(network ? { network } : {}) } })))).flat();
  return { results, ms: performance.now() - started };
}

function requestsOn(emulators: Emulators): number {
  return [emulators.openai, emulators.bedrock, emulators.google].reduce((sum, emulator) => sum + emulator.server.requests.filter((r) => !r.path.includes('computeMetadata')).length, 0);
}

/** How the requests of these emulators reached them: through `proxy` or directly. */
const routes = (emulators: Emulators, proxy: TestProxy): ReturnType<TestProxy['routes']> =>
  proxy.routes([emulators.openai.server, emulators.bedrock.server, emulators.google.server]);

const table: string[] = [];

describe('networks: TLS, proxies, DNS', function () {
  this.timeout(60_000);
  let ca: PrivateCa;
  let privateCa: Emulators;
  let selfSigned: Emulators;
  let plain: Emulators;
  let proxy: TestProxy;
  let lockedProxy: TestProxy;
  const PROXY_AUTH = `Basic ${Buffer.from('fanout-user:proxy-pass-0001').toString('base64')}`;

  before(async () => {
    ca = makePrivateCa();
    [privateCa, selfSigned, plain, proxy, lockedProxy] = await Promise.all([
      startEmulators({ tls: { key: ca.key, cert: ca.cert } }),
      startEmulators({ tls: ca.selfSigned }),
      startEmulators(),
      new TestProxy().start(),
      new TestProxy({ requireAuthorization: PROXY_AUTH }).start(),
    ]);
  });
  after(async () => {
    await Promise.all([privateCa.stop(), selfSigned.stop(), plain.stop(), proxy.stop(), lockedProxy.stop()]);
    ca.remove();
    console.log(`      ${table.join('\n      ')}`);
  });
  beforeEach(() => {
    for (const set of [privateCa, selfSigned, plain]) set.reset();
    proxy.reset();
    lockedProxy.requests.length = 0;
  });

  const extraCa = (): NetworkSettings => ({ extraCa: { pem: ca.caPem, file: ca.caFile } });

  function assertAllOk(results: DeploymentResult[]): void {
    for (const result of results) {
      assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
      assert.ok(result.text.length > 0, result.deployment);
    }
  }

  function assertAllFail(results: DeploymentResult[], pattern: RegExp, retries = 0): void {
    for (const result of results) {
      assert.equal(result.status, 'error', `${result.deployment} should fail`);
      assert.equal(result.error!.kind, 'network', `${result.deployment}: ${result.error!.kind} ${result.error!.message}`);
      assert.match(result.error!.message, pattern, result.deployment);
      assert.equal(result.retries, retries, `${result.deployment}: retries`);
      assert.ok(!/at .*\.js:\d+|\n\s+at /.test(result.error!.message), 'no stack trace');
    }
  }

  it('a private-CA endpoint without its CA: every column fails at once, says why and names the setting; nothing is sent', async () => {
    const { results, ms } = await runAll(privateCa, undefined);
    assertAllFail(results, /TLS certificate of .* is not signed by a trusted authority.*fanout\.network\.extraCaFile.*--ca-file/);
    assert.equal(requestsOn(privateCa), 0, 'no request got past the handshake');
    assert.ok(ms < 3000, `${Math.round(ms)} ms`);
    table.push(`private CA, no CA file: ${results.length} columns failed with the TLS reason, 0 requests, ${Math.round(ms)} ms`);
  });

  it('a self-signed endpoint: the message says self-signed; the extra CA of another authority does not make it trusted', async () => {
    const { results } = await runAll(selfSigned, extraCa());
    assertAllFail(results, /is self-signed, so Fanout did not send the request/);
    assert.equal(requestsOn(selfSigned), 0);
    table.push(`self-signed endpoint (with an unrelated extra CA): ${results.length} columns failed "self-signed", 0 requests`);
  });

  it('the same endpoint with the CA file: every column answers over TLS, Bedrock still on HTTP/2', async () => {
    const { results, ms } = await runAll(privateCa, extraCa());
    assertAllOk(results);
    const bedrockVersions = privateCa.bedrock.server.requests.map((request) => request.httpVersion).sort();
    assert.deepEqual(bedrockVersions, ['1.1', '2.0']);
    table.push(`private CA with fanout.network.extraCaFile: ${results.length} columns ok over TLS, ${Math.round(ms)} ms`);
  });

  it('through a proxy (CONNECT) to TLS endpoints with the CA: every request goes through it', async () => {
    const { results } = await runAll(privateCa, { ...extraCa(), proxy: proxy.url });
    assertAllOk(results);
    const ports = [privateCa.openai, privateCa.bedrock, privateCa.google].map((emulator) => `127.0.0.1:${emulator.server.port}`);
    assert.deepEqual(routes(privateCa, proxy), { through: 6, direct: 0, directPorts: [] });
    for (const target of proxy.targets()) assert.ok(ports.includes(target), target);
    assert.ok(proxy.requests.every((request) => request.kind === 'connect' && request.status === 200));
    assert.ok(privateCa.bedrock.server.requests.every((request) => request.httpVersion === '1.1'), 'Bedrock goes through the tunnel on HTTP/1.1');
    table.push(`proxy CONNECT + private CA: ${results.length} columns ok, all ${requestsOn(privateCa)} requests through ${proxy.requests.length} tunnels, 0 direct`);
  });

  it('through a proxy to plain-HTTP endpoints', async () => {
    const { results } = await runAll(plain, { proxy: proxy.url });
    assertAllOk(results);
    assert.deepEqual(routes(plain, proxy), { through: 6, direct: 0, directPorts: [] });
    table.push(`proxy to plain HTTP: ${results.length} columns ok, 6 of 6 requests through the proxy`);
  });

  it('NO_PROXY entries bypass the proxy (host, host:port, CIDR, *)', async () => {
    const port = plain.openai.server.port;
    for (const noProxy of [['127.0.0.1'], ['localhost', '127.0.0.0/8'], ['*'], [`127.0.0.1:${port}`]]) {
      proxy.reset();
      plain.reset();
      const { results } = await runAll(plain, { proxy: proxy.url, noProxy });
      assertAllOk(results);
      if (noProxy[0]!.includes(':')) {
        // only the OpenAI emulator's port is bypassed: its two columns went direct, the other four through the proxy
        assert.deepEqual(routes(plain, proxy), { through: 4, direct: 2, directPorts: [port] });
        assert.ok(!proxy.targets().includes(`127.0.0.1:${port}`));
      } else {
        assert.deepEqual(routes(plain, proxy), { through: 0, direct: 6, directPorts: routes(plain, proxy).directPorts }, noProxy.join(','));
        assert.equal(proxy.requests.length, 0, `${noProxy.join(',')}: ${JSON.stringify(proxy.targets())}`);
      }
    }
    table.push('NO_PROXY: 4 forms × 6 columns ok; bypassed hosts never reached the proxy');
  });

  it('a proxy that wants authentication: 407 is named, not retried; with http.proxyAuthorization or user:password it works', async () => {
    const { results } = await runAll(plain, { proxy: lockedProxy.url });
    assertAllFail(results, /proxy .*asks for authentication \(407\).*proxyAuthorization/);
    assert.equal(requestsOn(plain), 0);
    for (const result of results) assert.ok(!result.error!.message.includes('proxy-pass-0001'));
    const withHeader = await runAll(plain, { proxy: lockedProxy.url, proxyAuthorization: PROXY_AUTH });
    assertAllOk(withHeader.results);
    const withUserInfo = await runAll(plain, { proxy: lockedProxy.url.replace('http://', 'http://fanout-user:proxy-pass-0001@') });
    assertAllOk(withUserInfo.results);
    table.push(`proxy auth: ${results.length} columns "407, set http.proxyAuthorization" with 0 retries; ok with the header and with user:password`);
  });

  it('a proxy that is down: the message names the proxy (never its password), not the cloud', async () => {
    const stopped = await new TestProxy().start();
    const url = stopped.url.replace('http://', 'http://someone:proxy-pass-0002@');
    await stopped.stop();
    const { results, ms } = await runAll(plain, { proxy: url });
    for (const result of results) {
      assert.equal(result.status, 'error', result.deployment);
      assert.match(result.error!.message, /The proxy http:\/\/127\.0\.0\.1:\d+ refused the connection/, result.deployment);
      assert.ok(!result.error!.message.includes('proxy-pass-0002'), 'no proxy password in the message');
    }
    assert.equal(requestsOn(plain), 0);
    table.push(`proxy down: ${results.length} columns name the proxy, no password shown, ${Math.round(ms)} ms with retries`);
  });

  it('DNS failure: every column says the name did not resolve, fast, without retrying a name that does not exist', async () => {
    const lookups: string[] = [];
    const lookup: LookupFunction = (hostname, _options, callback) => {
      lookups.push(hostname);
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
      (callback as (error: Error) => void)(error);
    };
    const { results, ms } = await runAll(plain, { lookup }, 'api.fanout.invalid');
    assertAllFail(results, /Cannot resolve the host of .*api\.fanout\.invalid.*DNS lookup failed/);
    assert.ok(lookups.length >= results.length && lookups.every((host) => host === 'api.fanout.invalid'), JSON.stringify(lookups));
    assert.equal(requestsOn(plain), 0);
    assert.ok(ms < 3000, `${Math.round(ms)} ms`);
    table.push(`DNS failure: ${results.length} columns "cannot resolve", 0 retries, ${Math.round(ms)} ms`);
  });

  describe('the CLI', () => {
    let dir: string;
    let config: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'fanout-net-'));
      const all = deploymentsFor(privateCa);
      config = join(dir, 'tls.json');
      writeFileSync(config, JSON.stringify({ deployments: [all.openai, all.azure, all.bedrock, all.gemini] }));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const cli = (args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((done) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(https?|all|no)_proxy$/i.test(name) && name !== 'NODE_EXTRA_CA_CERTS'));
      execFile(process.execPath, [resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', 'Hi', '--format', 'json', ...args], {
        env: { ...clean, OPENAI_API_KEY: KEYS.openai, AZURE_OPENAI_API_KEY: KEYS.azure, GEMINI_API_KEY: KEYS.gemini, AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey, ...env },
        timeout: 20_000,
      }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    const statuses = (stdout: string): string[] => (JSON.parse(stdout) as { results: Array<{ status: string }> }).results.map((result) => result.status);

    it('without the CA: exit 1 and the TLS reason; with --ca-file or NODE_EXTRA_CA_CERTS: every deployment answers', async () => {
      const none = await cli([], {});
      assert.equal(none.code, 1);
      assert.match(none.stdout, /not signed by a trusted authority/);
      const flag = await cli(['--ca-file', ca.caFile], {});
      assert.equal(flag.code, 0, flag.stdout + flag.stderr);
      assert.deepEqual(statuses(flag.stdout), ['ok', 'ok', 'ok', 'ok']);
      const env = await cli([], { NODE_EXTRA_CA_CERTS: ca.caFile });
      assert.equal(env.code, 0, env.stdout + env.stderr);
    });

    it('HTTPS_PROXY sends every request through the proxy; NO_PROXY bypasses it', async () => {
      const through = await cli(['--ca-file', ca.caFile], { HTTPS_PROXY: proxy.url });
      assert.equal(through.code, 0, through.stdout + through.stderr);
      assert.deepEqual(routes(privateCa, proxy), { through: 4, direct: 0, directPorts: [] });
      proxy.reset();
      privateCa.reset();
      const bypass = await cli(['--ca-file', ca.caFile], { https_proxy: proxy.url, no_proxy: '127.0.0.1' });
      assert.equal(bypass.code, 0, bypass.stdout + bypass.stderr);
      assert.equal(proxy.requests.length, 0);
      assert.equal(routes(privateCa, proxy).direct, 4);
      table.push('CLI: --ca-file, NODE_EXTRA_CA_CERTS, HTTPS_PROXY (all requests tunnelled) and NO_PROXY (none) hold');
    });

    it('bad network input is one line naming it, exit 2', async () => {
      const cases: Array<[string[], Record<string, string>, RegExp]> = [
        [['--ca-file', join(dir, 'missing.pem')], {}, /--ca-file: .*missing\.pem does not exist/],
        [['--ca-file', config], {}, /--ca-file: .* holds no PEM certificate/],
        [['--ca-file', dir], {}, /--ca-file: .* is a folder/],
        [[], { HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, /HTTPS_PROXY uses socks5:\/\//],
        [[], { HTTPS_PROXY: 'http://exa mple:80' }, /HTTPS_PROXY is not a URL/],
      ];
      for (const [args, env, pattern] of cases) {
        const outcome = await cli(args, env);
        assert.equal(outcome.code, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${outcome.stderr}`);
        assert.match(outcome.stderr, pattern);
        assert.equal(outcome.stderr.trim().split('\n').length, 1, outcome.stderr);
      }
      table.push(`CLI network input: ${cases.length} mistakes, each one line and exit 2`);
    });
  });
});
