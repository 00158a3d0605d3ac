/** Credentials and trust in a real extension host: where keys go, where they never go, and every source end to end. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import type { OpenAIEmulator } from '../emulators/openai';
import { activated, setDeployments, until } from './support';

const SENTINEL = 'sk-fanout-sentinel-credentials-0123456789';
const ENTRA_TOKEN = 'test-entra-token-from-test-provider';
const TEST_AUTH = 'fanout-test-entra';

describe('credentials and trust', () => {
  let emulators: Emulators;
  let otherHost: OpenAIEmulator;
  let fixtures: typeof import('../support/fixtures');
  const workspaceFile = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.vscode', 'fanout.json');

  before(async () => {
    fixtures = await import('../support/fixtures');
    const { OpenAIEmulator } = await import('../emulators/openai');
    emulators = await fixtures.startEmulators();
    otherHost = await new OpenAIEmulator().start(); // accepts any key: it would show us one if it got it
    (emulators.openai as unknown as { options: { apiKeys: string[]; azureTokens: string[] } }).options.apiKeys.push(SENTINEL);
    (emulators.openai as unknown as { options: { azureTokens: string[] } }).options.azureTokens.push(ENTRA_TOKEN);
    await activated();
  });
  after(async () => {
    await vscode.workspace.fs.delete(workspaceFile()).then(undefined, () => undefined);
    await vscode.workspace.getConfiguration().update('fanout.azure.authenticationProvider', undefined, vscode.ConfigurationTarget.Global);
    await setDeployments(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await Promise.all([emulators?.stop(), otherHost?.stop()]);
  });

  it('a workspace file pointing a deployment at another host gets no stored key, and the user is told why', async () => {
    const { api } = await activated();
    await setDeployments([{ id: 'openai-mini', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${emulators.openai.url}/v1` }]);
    await vscode.commands.executeCommand('fanout.setApiKey', 'openai-mini', fixtures.KEYS.openai);
    await vscode.workspace.fs.writeFile(workspaceFile(), new TextEncoder().encode(JSON.stringify({ deployments: [
      { id: 'ws-gpt', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${otherHost.url}/v1` },
      { id: 'ws-claude', provider: 'bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: emulators.bedrock.url },
      { id: 'ws-profiled', provider: 'bedrock', model: 'm', region: 'us-east-1', profile: 'prod' },
    ] })));
    await until(() => api.settings.deployments.some((deployment) => deployment.id === 'ws-gpt'), 'the workspace deployments', 10_000);
    assert.equal(api.settings.sourceOf('ws-gpt'), 'workspace');
    assert.ok(!api.settings.deployments.some((deployment) => deployment.id === 'ws-profiled'), 'a workspace file may not pick an AWS profile');
    assert.ok(api.settings.issues.some((issue) => /ws-profiled.*profile/.test(issue.path) && /not allowed in a workspace file/.test(issue.message)));

    const results = await vscode.commands.executeCommand<Array<{ deployment: string; status: string; error: { kind: string; message: string } | null }>>('fanout.testConnection', 'all');
    const byId = Object.fromEntries(results.map((result) => [result.deployment, result]));
    assert.equal(byId['openai-mini']?.status, 'ok');
    assert.equal(byId['ws-gpt']?.error?.kind, 'auth');
    assert.match(byId['ws-gpt']?.error?.message ?? '', new RegExp(`No API key saved for ${otherHost.url.replace(/[./]/g, '\\$&')}.*a key saved for any other address is never sent to it`));
    assert.equal(otherHost.server.requests.length, 0, 'the other host was contacted');
    assert.equal(byId['ws-claude']?.error?.kind, 'permission');
    assert.match(byId['ws-claude']?.error?.message ?? '', /not AWS's own endpoint/);
    assert.equal(emulators.bedrock.server.requests.length, 0, 'AWS credentials went to a workspace-chosen endpoint');
    await vscode.workspace.fs.delete(workspaceFile());
    await until(() => !api.settings.deployments.some((deployment) => deployment.id === 'ws-gpt'), 'the workspace file to be gone', 10_000);
  });

  it('every source works end to end, and a sentinel key appears in no setting, state, history, log line or webview message', async () => {
    const { api } = await activated();
    // Entra ID through a test authentication provider standing in for the Microsoft sign-in
    const sessions: vscode.AuthenticationSession[] = [{ id: 'one', accessToken: ENTRA_TOKEN, account: { id: 'dev', label: 'dev@example.test' }, scopes: ['https://cognitiveservices.azure.com/.default'] }];
    const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
    const askedScopes: string[][] = [];
    const registration = vscode.authentication.registerAuthenticationProvider(TEST_AUTH, 'Fanout test Entra', {
      onDidChangeSessions: changed.event,
      getSessions: async (scopes?: readonly string[]) => {
        askedScopes.push([...(scopes ?? [])]);
        return sessions;
      },
      createSession: async () => sessions[0]!, removeSession: async () => {},
    });
    await vscode.workspace.getConfiguration().update('fanout.azure.authenticationProvider', TEST_AUTH, vscode.ConfigurationTarget.Global);
    // Google ADC through a fake metadata server
    process.env.GCE_METADATA_HOST = emulators.google.metadataHost;
    process.env.METADATA_SERVER_DETECTION = 'assume-present';
    try {
      const all = fixtures.deploymentsFor(emulators);
      await setDeployments([]);
      for (const deployment of [all.openai, all.compatible, all.azure, { ...all.azure, id: 'azure-entra', auth: 'entra' as const }, all.bedrock, all.gemini, all.vertex]) {
        assert.ok(await vscode.commands.executeCommand('fanout.addDeployment', deployment), `adding ${deployment.id}`);
      }
      await until(() => api.settings.deployments.length === 7, 'seven deployments');
      for (const id of ['openai-mini', 'local-llama', 'azure-gpt4o', 'bedrock-haiku', 'gemini-flash']) {
        assert.equal(await vscode.commands.executeCommand('fanout.setApiKey', id, SENTINEL), true, id);
      }
      await vscode.commands.executeCommand('fanout.openPlayground');
      const panel = api.playground.current!;
      await panel.whenReady;
      const ids = api.settings.deployments.map((deployment) => deployment.id);
      await panel.run({ type: 'run', system: '', prompt: 'Hello', variables: {}, params: {}, deploymentIds: ids, repeat: 1 }, ids, false);
      const results = Object.fromEntries(panel.posted.filter((message) => message.type === 'columnResult').map((message) => message.type === 'columnResult' ? [message.result.deploymentId, message.result] : []));
      // the sources that should work with these credentials did, each saying where its credential came from
      assert.equal(results['openai-mini']?.status, 'ok');
      assert.match(results['openai-mini']?.credentialSource ?? '', /the key saved for http:\/\/127\.0\.0\.1/);
      // Entra: Fanout asks the configured sign-in for the Cognitive Services scope. VS Code then asks the user to let
      // Fanout use that account; the test driver refuses every dialog, so the column must fail alone, naming the
      // sign-in and offering to sign in (the token-as-Bearer wire path is proven by the provider tests)
      assert.ok(askedScopes.some((scopes) => scopes.includes('https://cognitiveservices.azure.com/.default')), JSON.stringify(askedScopes));
      const entra = results['azure-entra'];
      if (entra?.status === 'ok') {
        assert.equal(entra.credentialSource, 'Microsoft Entra ID (dev@example.test)');
        assert.ok(emulators.openai.server.requests.some((request) => request.headers.authorization === `Bearer ${ENTRA_TOKEN}`));
      } else {
        assert.match(entra?.error?.message ?? '', /Microsoft sign-in for Azure OpenAI deployment "azure-entra" did not complete/);
        assert.equal(entra?.actions[0]?.action, 'signIn');
      }
      assert.equal(results['vertex-flash']?.status, 'ok', JSON.stringify(results['vertex-flash']?.error));
      assert.equal(results['vertex-flash']?.credentialSource, 'Google Application Default Credentials');
      // the sentinel is a wrong key for these: they fail, and say so without repeating it
      for (const id of ['azure-gpt4o', 'bedrock-haiku', 'gemini-flash']) assert.equal(results[id]?.status, 'error', id);

      const pattern = new RegExp(SENTINEL);
      const everySetting = JSON.stringify(vscode.workspace.getConfiguration('fanout'));
      const inspected = JSON.stringify(vscode.workspace.getConfiguration().inspect('fanout.deployments'));
      assert.doesNotMatch(everySetting + inspected, pattern, 'settings');
      assert.doesNotMatch(JSON.stringify(api.storage()), pattern, 'globalState / workspaceState');
      assert.doesNotMatch(readFileSync(api.history.file, 'utf8'), pattern, 'history');
      assert.ok(api.log.recent().length > 10);
      assert.doesNotMatch(api.log.recent().join('\n'), pattern, 'log');
      assert.doesNotMatch(JSON.stringify(panel.posted), pattern, 'webview messages');
    } finally {
      registration.dispose();
      delete process.env.GCE_METADATA_HOST;
      delete process.env.METADATA_SERVER_DETECTION;
    }
  });
});
