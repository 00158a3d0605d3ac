/** Deployment config: every mistake is named with its field and a fix; valid entries survive a broken neighbour. */
import * as assert from 'node:assert/strict';
import { deploymentOrigin, formatIssue, parseConfigText, parseDeployments } from '../../src/core/config/deployment';

const messages = (entries: unknown): string[] => {
  const result = parseDeployments(entries);
  return result.ok ? [] : result.issues.map(formatIssue);
};

describe('deployment config', () => {
  it('accepts one valid deployment of every provider', () => {
    const result = parseDeployments([
      { id: 'gpt', provider: 'openai', model: 'gpt-4o-mini' },
      { id: 'local', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' },
      { id: 'az', provider: 'azure-openai', model: 'gpt-4o', endpoint: 'https://r.openai.azure.com', deployment: 'prod', apiVersion: '2024-10-21', auth: 'entra' },
      { id: 'claude', provider: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', profile: 'dev-sso' },
      { id: 'vx', provider: 'vertex', model: 'gemini-2.5-flash', project: 'my-project-123', location: 'europe-west4' },
      { id: 'gm', provider: 'gemini', model: 'gemini-2.0-flash', apiKeyEnv: 'GEMINI_KEY', params: { temperature: 0.2, maxTokens: 512, topP: 0.9 }, pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
    ]);
    assert.equal(result.ok, true, JSON.stringify(!result.ok && result.issues));
    assert.equal(result.deployments.length, 6);
  });

  const mistakes: Array<[string, unknown, RegExp]> = [
    ['unknown provider, with a suggestion', { id: 'a', provider: 'bedrok', model: 'm' }, /deployments\[0\] \("a"\)\.provider: unknown provider "bedrok" — did you mean "bedrock"\?/],
    ['missing provider', { id: 'a', model: 'm' }, /\.provider: missing — use one of "openai"/],
    ['missing region', { id: 'a', provider: 'bedrock', model: 'm' }, /\.region: missing — Amazon Bedrock needs it: give the AWS region, e.g\. "us-east-1"/],
    ['malformed region', { id: 'a', provider: 'bedrock', model: 'm', region: 'virginia' }, /\.region: "virginia" is not an AWS region — give the AWS region/],
    ['malformed URL', { id: 'a', provider: 'openai-compatible', model: 'm', baseUrl: 'localhost:11434' }, /\.baseUrl: "localhost:11434" is not a valid http\(s\) URL — give the API root/],
    ['missing Azure endpoint', { id: 'a', provider: 'azure-openai', model: 'gpt-4o' }, /\.endpoint: missing — Azure OpenAI needs it/],
    ['missing Vertex project', { id: 'a', provider: 'vertex', model: 'gemini-2.5-flash', location: 'us-central1' }, /\.project: missing — Vertex AI needs it/],
    ['a typo in a field name', { id: 'a', provider: 'bedrock', model: 'm', region: 'us-east-1', profle: 'dev' }, /\.profle: unknown field "profle" — did you mean "profile"\?/],
    ['a field of another provider', { id: 'a', provider: 'openai', model: 'm', region: 'us-east-1' }, /\.region: "region" is not used by provider "openai"/],
    ['a bad id', { id: 'has space', provider: 'openai', model: 'm' }, /\.id: "has space" must be 1–64 letters/],
    ['an empty model', { id: 'a', provider: 'openai', model: '  ' }, /\.model: .*must not be empty/],
    ['temperature out of range', { id: 'a', provider: 'openai', model: 'm', params: { temperature: 3 } }, /\.params\.temperature: 3 is above 2 — use a number from 0 to 2/],
    ['maxTokens not whole', { id: 'a', provider: 'openai', model: 'm', params: { maxTokens: 1.5 } }, /\.params\.maxTokens: 1\.5 must be a whole number/],
    ['a string where a number goes', { id: 'a', provider: 'openai', model: 'm', pricing: { inputPerMTok: '2.5', outputPerMTok: 10 } }, /\.pricing\.inputPerMTok: "2\.5" must be a number/],
    ['a typo inside params', { id: 'a', provider: 'openai', model: 'm', params: { max_tokens: 5 } }, /\.params\.max_tokens: unknown field "max_tokens" — did you mean "maxTokens"\?/],
    ['auth not key or entra', { id: 'a', provider: 'azure-openai', model: 'm', endpoint: 'https://x.openai.azure.com', auth: 'oauth' }, /\.auth: "oauth" must be "key" or "entra"/],
    ['not an object', 'gpt-4o', /deployments\[0\]: must be an object/],
  ];
  for (const [name, entry, expected] of mistakes) {
    it(`names the field and the fix: ${name}`, () => {
      const found = messages([entry]);
      assert.ok(found.some((line) => expected.test(line)), `expected ${expected} in:\n${found.join('\n')}`);
    });
  }

  it('names a duplicate id and where the first one is', () => {
    const found = messages([{ id: 'x', provider: 'openai', model: 'a' }, { id: 'x', provider: 'gemini', model: 'b' }]);
    assert.deepEqual(found, ['deployments[1] ("x").id: duplicate id "x" (also deployments[0]) — every deployment needs its own id']);
  });

  it('keeps the valid deployments when another is broken', () => {
    const result = parseDeployments([{ id: 'good', provider: 'openai', model: 'gpt-4o' }, { id: 'bad', provider: 'bedrock', model: 'm' }]);
    assert.equal(result.ok, false);
    assert.deepEqual(result.deployments.map((d) => d.id), ['good']);
  });

  it('rejects a list that is not a list', () => {
    assert.match(messages({ id: 'a' })[0] ?? '', /must be a list of deployments/);
  });

  it('reads a config file with comments and trailing commas, and places syntax errors', () => {
    const ok = parseConfigText('{\n  // mine\n  "deployments": [ { "id": "a", "provider": "openai", "model": "gpt-4o", }, ],\n}', 'f.json');
    assert.equal(ok.ok, true);
    const broken = parseConfigText('{\n  "deployments": [\n    { "id": "a" "provider": "openai" }\n  ]\n}', 'f.json');
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? formatIssue(broken.issues[0]!) : '', /^f\.json: not valid JSON at line 3, column 17 \(CommaExpected\)/);
    const shape = parseConfigText('[]', 'f.json');
    assert.match(!shape.ok ? formatIssue(shape.issues[0]!) : '', /must be an object with a "deployments" list/);
  });

  it('gives each deployment the origin its credential is bound to', () => {
    const [openai, azure, bedrock, vertex, local] = parseDeployments([
      { id: 'a', provider: 'openai', model: 'm' },
      { id: 'b', provider: 'azure-openai', model: 'm', endpoint: 'https://res.openai.azure.com/' },
      { id: 'c', provider: 'bedrock', model: 'm', region: 'eu-west-1' },
      { id: 'd', provider: 'vertex', model: 'm', project: 'proj-12345', location: 'us-central1' },
      { id: 'e', provider: 'openai-compatible', model: 'm', baseUrl: 'http://localhost:11434/v1' },
    ]).deployments;
    assert.deepEqual([openai, azure, bedrock, vertex, local].map((d) => deploymentOrigin(d!)), [
      'https://api.openai.com', 'https://res.openai.azure.com', 'https://bedrock-runtime.eu-west-1.amazonaws.com', 'https://us-central1-aiplatform.googleapis.com', 'http://localhost:11434',
    ]);
  });
});
