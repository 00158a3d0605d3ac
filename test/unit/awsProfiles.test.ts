import * as assert from 'node:assert/strict';
import { parseAwsProfiles } from '../../src/providers/bedrock/awsProfiles';

describe('AWS profile discovery', () => {
  it('lists profiles from both files with their kind and region, default first, and never a key', () => {
    const config = [
      '[default]', 'region = us-east-1', '',
      '[profile dev-sso]', 'sso_session = corp', 'sso_account_id = 111122223333', 'sso_role_name = Dev', 'region = eu-west-1', '',
      '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', '',
      '[profile admin] ; comment', 'role_arn = arn:aws:iam::1:role/Admin', 'source_profile = default', '',
      '[profile tool]', 'credential_process = /usr/bin/get-creds', '',
      '[services local]', 'bedrock_runtime =', '  endpoint_url = http://localhost', '',
    ].join('\n');
    const credentials = '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-shown\n\n[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = x\n';
    const profiles = parseAwsProfiles(config, credentials);
    assert.deepEqual(profiles, [
      { name: 'default', kind: 'keys', region: 'us-east-1' },
      { name: 'admin', kind: 'role', region: null },
      { name: 'ci', kind: 'keys', region: null },
      { name: 'dev-sso', kind: 'sso', region: 'eu-west-1' },
      { name: 'tool', kind: 'process', region: null },
    ]);
    assert.doesNotMatch(JSON.stringify(profiles), /AKID|not-shown/);
  });

  it('copes with empty or missing files', () => {
    assert.deepEqual(parseAwsProfiles('', ''), []);
  });
});
