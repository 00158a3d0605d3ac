/** The compare command end to end in the extension host: keys from SecretStorage, the official SDKs, the emulators. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Emulators } from '../support/fixtures';
import { activated, setDeployments } from './support';

describe('compare across deployments', () => {
  let emulators: Emulators;
  let KEYS: typeof import('../support/fixtures').KEYS;
  before(async () => {
    // loaded here, not at the top: the activation suite checks that nothing loaded an SDK before it ran
    const fixtures = await import('../support/fixtures');
    KEYS = fixtures.KEYS;
    emulators = await fixtures.startEmulators();
    await activated();
  });
  after(async () => {
    await setDeployments(undefined);
    await emulators?.stop();
  });

  it('streams every deployment through its SDK and reports them side by side; a missing key fails only its column', async () => {
    await setDeployments([
      { id: 'openai-mini', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${emulators.openai.url}/v1` },
      { id: 'azure-gpt4o', provider: 'azure-openai', model: 'gpt-4o', deployment: 'prod-gpt4o', endpoint: emulators.openai.url },
      { id: 'bedrock-haiku', provider: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: emulators.bedrock.url },
      { id: 'gemini-flash', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: emulators.google.url },
    ]);
    assert.equal(await vscode.commands.executeCommand('fanout.setApiKey', 'openai-mini', KEYS.openai), true);
    assert.equal(await vscode.commands.executeCommand('fanout.setApiKey', 'azure-gpt4o', KEYS.azure), true);
    assert.equal(await vscode.commands.executeCommand('fanout.setApiKey', 'bedrock-haiku', KEYS.bedrockApiKey), true);
    await vscode.commands.executeCommand('fanout.removeApiKey', 'gemini-flash');
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('fanout.compare', 'Hello clouds', ['openai-mini', 'azure-gpt4o', 'bedrock-haiku', 'gemini-flash']);
    const report = document.getText();
    for (const id of ['openai-mini', 'azure-gpt4o', 'bedrock-haiku']) assert.match(report, new RegExp(`^\\| ${id} \\| [a-z-]+ \\| [^|]+ \\| ok \\|`, 'm'), id);
    assert.match(report, /^\| gemini-flash \| gemini \| gemini-2\.0-flash \| error \|/m);
    assert.match(report, /No API key saved for http:\/\/127\.0\.0\.1:\d+ \(deployment "gemini-flash"\)\. Run "Fanout: Set API Key"\./);
    assert.equal(emulators.google.server.requests.length, 0, 'no request without a key');
    assert.equal(emulators.openai.server.requests.find((request) => request.path.startsWith('/v1/'))?.headers.authorization, `Bearer ${KEYS.openai}`);
    assert.equal(emulators.bedrock.server.requests[0]?.headers.authorization, `Bearer ${KEYS.bedrockApiKey}`);
    assert.doesNotMatch(report, new RegExp(`${KEYS.openai}|${KEYS.azure}|${KEYS.bedrockApiKey}`));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
