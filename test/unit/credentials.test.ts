/** Credential sources end to end against the emulators: AWS SSO from a cached `aws sso login` token. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentCredentials } from '../../src/cli/envCredentials';
import { runFanout } from '../../src/core/engine/fanout';
import { loadAdapter } from '../../src/providers/registry';
import { BedrockEmulator } from '../emulators/bedrock';
import { SsoEmulator } from '../emulators/sso';
import { PROMPT } from '../support/fixtures';

describe('credential sources', () => {
  const role = { accessKeyId: 'ASIAFANOUTSSO', secretAccessKey: 'test-sso-role-secret', sessionToken: 'test-sso-session-token' };
  let sso: SsoEmulator;
  let bedrock: BedrockEmulator;
  before(async () => {
    sso = await new SsoEmulator([{ accessToken: 'test-sso-access-token', accountId: '123456789012', roleName: 'Developer', credentials: role }]).start();
    bedrock = await new BedrockEmulator({ keys: [role] }).start();
    process.env.AWS_ENDPOINT_URL_SSO = sso.url;
  });
  after(async () => {
    delete process.env.AWS_ENDPOINT_URL_SSO;
    await Promise.all([sso.stop(), bedrock.stop()]);
  });

  function ssoProfile(token: string, expiresAt: string): void {
    const home = process.env.HOME!;
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), [
      '[profile sso-dev]', 'sso_session = fanout-sso', 'sso_account_id = 123456789012', 'sso_role_name = Developer', 'region = us-east-1', '',
      '[sso-session fanout-sso]', 'sso_region = us-east-1', 'sso_start_url = https://fanout-test.awsapps.com/start', 'sso_registration_scopes = sso:account:access', '',
    ].join('\n'));
    writeFileSync(join(home, '.aws', 'credentials'), '');
    const cacheName = createHash('sha1').update('fanout-sso').digest('hex');
    writeFileSync(join(home, '.aws', 'sso', 'cache', `${cacheName}.json`), JSON.stringify({ startUrl: 'https://fanout-test.awsapps.com/start', region: 'us-east-1', accessToken: token, expiresAt }));
  }

  const deployment = () => ({ id: 'claude-sso', provider: 'bedrock' as const, model: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: bedrock.url, profile: 'sso-dev' });

  it('an SSO profile: the cached token buys role credentials from the portal, which sign the Bedrock request', async () => {
    ssoProfile('test-sso-access-token', new Date(Date.now() + 8 * 3_600_000).toISOString());
    const resolver = new EnvironmentCredentials({});
    const resolved = await resolver.resolve(deployment());
    assert.ok(resolved.ok, JSON.stringify(!resolved.ok && resolved.error));
    assert.equal(resolved.ok && resolved.credential.source, 'AWS profile "sso-dev"');
    const [result] = await runFanout(PROMPT, [deployment()], { loadAdapter, credentials: resolver });
    assert.equal(result?.status, 'ok', JSON.stringify(result?.error));
    assert.equal(sso.server.requests[0]?.headers['x-amz-sso_bearer_token'], 'test-sso-access-token');
    assert.match(bedrock.server.requests.at(-1)?.headers.authorization ?? '', /Credential=ASIAFANOUTSSO\//);
    assert.equal(bedrock.server.requests.at(-1)?.headers['x-amz-security-token'], role.sessionToken);
  });

  it('an expired SSO session says which profile and how to repair it', async () => {
    ssoProfile('test-sso-access-token', new Date(Date.now() - 3_600_000).toISOString());
    const resolved = await new EnvironmentCredentials({}).resolve(deployment());
    assert.equal(resolved.ok, false);
    assert.match(!resolved.ok ? resolved.error.message : '', /AWS profile "sso-dev".*aws sso login --profile sso-dev/);
  });

  it('a token the portal does not know is an auth error naming the profile', async () => {
    ssoProfile('a-revoked-token', new Date(Date.now() + 3_600_000).toISOString());
    const resolved = await new EnvironmentCredentials({}).resolve(deployment());
    assert.equal(resolved.ok, false);
    assert.match(!resolved.ok ? resolved.error.message : '', /sso-dev/);
    assert.equal(!resolved.ok && resolved.error.kind, 'auth');
  });
});
