/** Proxy choice (NO_PROXY rules), proxy and CA input checks: the pure part of src/core/network.ts. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProxyUrl, describeProxy, isDirectDefault, parseNoProxy, proxyFor, proxyFromEnv, readCaFile } from '../../src/core/engine/network';

describe('network settings', () => {
  const proxy = 'http://proxy.corp:8080';

  it('chooses the proxy unless the host is on the bypass list, as curl reads NO_PROXY', () => {
    const cases: Array<[string, string[], boolean]> = [
      ['https://api.openai.com/v1', [], true],
      ['https://api.openai.com/v1', ['api.openai.com'], false],
      ['https://api.openai.com/v1', ['openai.com'], false],
      ['https://api.openai.com/v1', ['.openai.com'], false],
      ['https://api.openai.com/v1', ['*.openai.com'], false],
      ['https://notopenai.com/v1', ['openai.com'], true],
      ['https://API.OpenAI.com/v1', ['api.openai.com'], false],
      ['https://api.openai.com/v1', ['api.openai.com:443'], false],
      ['https://api.openai.com:8443/v1', ['api.openai.com:443'], true],
      ['http://10.1.2.3:11434/v1', ['10.0.0.0/8'], false],
      ['http://11.1.2.3:11434/v1', ['10.0.0.0/8'], true],
      ['http://127.0.0.1:8080', ['*'], false],
      ['http://[::1]:8080', ['::1'], false],
      ['http://[::1]:8080', ['[::1]:8080'], false],
      ['http://[::1]:8080', ['[::1]:9090'], true],
      ['https://bedrock-runtime.us-east-1.amazonaws.com', ['localhost', '127.0.0.1'], true],
    ];
    for (const [url, noProxy, proxied] of cases) assert.equal(proxyFor(url, { proxy, noProxy }) !== null, proxied, `${url} with NO_PROXY=${noProxy.join(',')}`);
    assert.equal(proxyFor('https://api.openai.com', {}), null, 'no proxy set');
  });

  it('reads the environment like curl: HTTPS_PROXY first, then HTTP_PROXY / ALL_PROXY; NO_PROXY with commas or spaces', () => {
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://b:2', NO_PROXY: 'x.com, .y.com  z' }), { proxy: 'http://a:1', source: 'HTTPS_PROXY', noProxy: ['x.com', '.y.com', 'z'] });
    assert.deepEqual(proxyFromEnv({ http_proxy: 'http://b:2', no_proxy: 'localhost' }), { proxy: 'http://b:2', source: 'http_proxy', noProxy: ['localhost'] });
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: '  ' }), { noProxy: [] });
    assert.deepEqual(parseNoProxy(undefined), []);
  });

  it('checks a proxy a person typed, and never shows its password', () => {
    assert.deepEqual(checkProxyUrl('proxy.corp:3128', 'http.proxy'), { ok: true, proxy: 'http://proxy.corp:3128' });
    assert.deepEqual(checkProxyUrl('https://proxy.corp', 'http.proxy'), { ok: true, proxy: 'https://proxy.corp' });
    for (const [text, pattern] of [['socks5://p:1080', /socks5:\/\/, which Fanout cannot use/], ['http://exa mple', /is not a URL/], ['http://', /is not a URL|has no host/]] as const) {
      const checked = checkProxyUrl(text, 'The setting "http.proxy"');
      assert.equal(checked.ok, false, text);
      if (!checked.ok) assert.match(checked.message, pattern);
    }
    assert.equal(describeProxy('http://user:secret-pass@proxy.corp:8080'), 'http://proxy.corp:8080');
    const bad = checkProxyUrl('http://user:secret-pass@exa mple', 'x');
    assert.ok(!bad.ok && !bad.message.includes('secret-pass'));
  });

  it('reads a CA file or says what is wrong with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-ca-unit-'));
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const der = join(dir, 'ca.der');
    writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    assert.equal((await readCaFile(pem, 'S')).ok, true);
    const missing = await readCaFile(join(dir, 'nope.pem'), 'The setting "fanout.network.extraCaFile"');
    assert.ok(!missing.ok && /The setting "fanout.network.extraCaFile": .*nope\.pem does not exist\./.test(missing.message));
    const notPem = await readCaFile(der, 'S');
    assert.ok(!notPem.ok && /holds no PEM certificate.*not DER/.test(notPem.message));
    const folder = await readCaFile(dir, 'S');
    assert.ok(!folder.ok && /is a folder/.test(folder.message));
  });

  it('needs no custom transport when nothing is set', () => {
    assert.equal(isDirectDefault(undefined), true);
    assert.equal(isDirectDefault({ noProxy: ['x'] }), true);
    assert.equal(isDirectDefault({ proxy }), false);
    assert.equal(isDirectDefault({ problem: 'x' }), false);
  });
});
