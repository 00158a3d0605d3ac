/**
 * Networks and settings in a real editor: requests follow VS Code's own proxy settings (a loopback proxy
 * proves it) and its bypass list; a private-CA endpoint is named with the setting that fixes it, and that
 * machine-only setting cannot come from a workspace; a wrong setting value is named once and the default used.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestProxy } from '../emulators/proxy';
import type { Emulators } from '../support/fixtures';
import type { PrivateCa } from '../support/tls';
import { activated, setDeployments, until } from './support';

const global = vscode.ConfigurationTarget.Global;

describe('networks and settings in the editor', () => {
  let fixtures: typeof import('../support/fixtures');
  let plain: Emulators;
  let secure: Emulators;
  let ca: PrivateCa;
  let proxy: TestProxy;

  before(async () => {
    fixtures = await import('../support/fixtures');
    const { makePrivateCa } = await import('../support/tls');
    const { TestProxy } = await import('../emulators/proxy');
    ca = makePrivateCa();
    [plain, secure, proxy] = await Promise.all([fixtures.startEmulators(), fixtures.startEmulators({ tls: { key: ca.key, cert: ca.cert } }), new TestProxy().start()]);
    await activated();
  });
  after(async () => {
    const config = vscode.workspace.getConfiguration();
    for (const key of ['http.proxy', 'http.noProxy', 'fanout.network.extraCaFile', 'fanout.retries', 'fanout.requestTimeoutMs', 'fanout.spend.period']) await config.update(key, undefined, global);
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await Promise.all([plain?.stop(), secure?.stop(), proxy?.stop()]);
    ca?.remove();
  });

  async function deployOn(emulators: Emulators): Promise<string[]> {
    const all = fixtures.deploymentsFor(emulators);
    await setDeployments([all.openai, all.bedrock, all.gemini]);
    await vscode.commands.executeCommand('fanout.setApiKey', all.openai.id, fixtures.KEYS.openai);
    await vscode.commands.executeCommand('fanout.setApiKey', all.bedrock.id, fixtures.KEYS.bedrockApiKey);
    await vscode.commands.executeCommand('fanout.setApiKey', all.gemini.id, fixtures.KEYS.gemini);
    return [all.openai.id, all.bedrock.id, all.gemini.id];
  }

  async function compare(ids: string[]): Promise<string> {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.compare', 'Hello through the network', ids);
    const text = document.getText();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    return text;
  }

  function requestsThrough(emulators: Emulators): { through: number; direct: number } {
    const { through, direct } = proxy.routes([emulators.openai.server, emulators.bedrock.server, emulators.google.server]);
    return { through, direct };
  }

  it('requests follow VS Code\'s http.proxy, and http.noProxy bypasses it', async () => {
    // the harness starts the editor with NO_PROXY=127.0.0.1 (which Fanout honours, as VS Code does): lift it here
    const saved = { NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      await throughTheProxy();
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
    }
  });

  async function throughTheProxy(): Promise<void> {
    const ids = await deployOn(plain);
    const config = vscode.workspace.getConfiguration();
    await config.update('http.proxy', proxy.url, global);
    plain.reset();
    const report = await compare(ids);
    for (const id of ids) assert.match(report, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| ok \\|`, 'm'), `${id}\n${report}`);
    const http = vscode.workspace.getConfiguration('http');
    assert.deepEqual(requestsThrough(plain), { through: 3, direct: 0 }, JSON.stringify({ proxy: http.get('proxy'), support: http.get('proxySupport'), tunnels: proxy.requests, log: (await activated()).api.log.recent().slice(-5) }));
    assert.ok(proxy.requests.length >= 1);

    await config.update('http.noProxy', ['127.0.0.1'], global);
    plain.reset();
    const before = proxy.requests.length;
    const bypassed = await compare(ids);
    for (const id of ids) assert.match(bypassed, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| ok \\|`, 'm'), id);
    assert.deepEqual(requestsThrough(plain), { through: 0, direct: 3 });
    assert.equal(proxy.requests.length, before, 'no new tunnel');
    await config.update('http.noProxy', undefined, global);
    await config.update('http.proxy', undefined, global);
  }

  it('a private-CA endpoint names the setting; a missing CA file stops the run; the CA file makes it work', async () => {
    const ids = await deployOn(secure);
    const config = vscode.workspace.getConfiguration();
    secure.reset();
    const untrusted = await compare(ids);
    assert.match(untrusted, /is not signed by a trusted authority, so Fanout did not send the request\..*fanout\.network\.extraCaFile/);
    assert.equal(secure.openai.server.requests.length + secure.bedrock.server.requests.length + secure.google.server.requests.length, 0);

    await config.update('fanout.network.extraCaFile', `${ca.dir}/missing.pem`, global);
    const missing = await compare(ids);
    for (const id of ids) assert.match(missing, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| error \\|`, 'm'), id);
    assert.match(missing, /The setting "fanout\.network\.extraCaFile": .*missing\.pem does not exist\. Nothing was sent\./);

    await config.update('fanout.network.extraCaFile', ca.caFile, global);
    secure.reset();
    const trusted = await compare(ids);
    for (const id of ids) assert.match(trusted, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| ok \\|`, 'm'), `${id}\n${trusted}`);
    await config.update('fanout.network.extraCaFile', undefined, global);
  });

  it('a workspace cannot choose the CA to trust (the setting is machine-scoped)', async () => {
    const config = vscode.workspace.getConfiguration();
    await assert.rejects(() => Promise.resolve(config.update('fanout.network.extraCaFile', '/tmp/evil-ca.pem', vscode.ConfigurationTarget.Workspace)),
      /user settings|not supported|machine|scope/i);
    assert.equal(vscode.workspace.getConfiguration('fanout').inspect('network.extraCaFile')?.workspaceValue, undefined);
  });

  it('a wrong setting value is named once, with what it takes, and the default is used', async () => {
    const { api } = await activated();
    const ids = await deployOn(plain);
    const config = vscode.workspace.getConfiguration();
    await config.update('fanout.retries', 'lots', global);
    await config.update('fanout.requestTimeoutMs', -5, global);
    plain.reset();
    const report = await compare(ids);
    for (const id of ids) assert.match(report, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| ok \\|`, 'm'), `${id}: the defaults were used\n${report}`);
    await until(() => api.log.recent().some((line) => line.includes('"fanout.requestTimeoutMs" is -5')), 'the warning in the log');
    const warnings = api.log.recent().filter((line) => line.includes('The setting "fanout.retries" is "lots", but it takes a whole number from 0 to 10. Using 2 until it is fixed.'));
    assert.equal(warnings.length, 1, 'named once');
    await compare(ids);
    assert.equal(api.log.recent().filter((line) => line.includes('"fanout.retries" is "lots"')).length, 1, 'not repeated on every run');
  });
});
