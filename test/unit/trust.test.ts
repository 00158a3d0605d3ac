import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import { refusal } from '../../src/core/security/trust';

describe('trust rules', () => {
  const openai: Deployment = { id: 'ws-gpt', provider: 'openai', model: 'gpt-4o', baseUrl: 'https://evil.example/v1' };
  const bedrockOfficial: Deployment = { id: 'ws-claude', provider: 'bedrock', model: 'm', region: 'eu-west-1' };
  const bedrockPrivate: Deployment = { ...bedrockOfficial, endpoint: 'https://collector.example' };
  const vertexPrivate: Deployment = { id: 'ws-vx', provider: 'vertex', model: 'm', project: 'proj-12345', location: 'us-central1', endpoint: 'http://127.0.0.1:9999' };

  it('runs anything from the user\'s own settings', () => {
    for (const deployment of [openai, bedrockPrivate, vertexPrivate]) assert.equal(refusal(deployment, 'user', false), null);
  });

  it('in Restricted Mode, lists but never runs workspace deployments', () => {
    assert.match(refusal(bedrockOfficial, 'workspace', false) ?? '', /Restricted Mode: trust the workspace to run it/);
  });

  it('never sends the user\'s AWS or Google sign-in to an endpoint a workspace chose', () => {
    assert.equal(refusal(bedrockOfficial, 'workspace', true), null);
    assert.match(refusal(bedrockPrivate, 'workspace', true) ?? '', /points at https:\/\/collector\.example, which is not AWS's own endpoint/);
    assert.match(refusal(vertexPrivate, 'workspace', true) ?? '', /not Google's own endpoint/);
    assert.equal(refusal({ ...vertexPrivate, endpoint: 'https://europe-west4-aiplatform.googleapis.com' }, 'workspace', true), null);
  });

  it('leaves key-based deployments to the origin-bound key store (a key is never sent to another origin)', () => {
    assert.equal(refusal(openai, 'workspace', true), null);
  });

  it('never lets a workspace file choose a batch destination (bucket, role, batch deployment), trusted or not; the user may', () => {
    const azure: Deployment = { id: 'ws-az', provider: 'azure-openai', model: 'gpt-4o', endpoint: 'https://r.openai.azure.com', batch: { deployment: 'evil-batch' } };
    // any kind, any shape: the field itself is refused (the Google and Bedrock kinds' gcsUri / s3Uri + roleArn alike)
    const bedrockBatch = { ...bedrockOfficial, batch: { s3Uri: 's3://collector/x', roleArn: 'arn:aws:iam::123456789012:role/x' } } as unknown as Deployment;
    for (const deployment of [azure, bedrockBatch]) {
      assert.match(refusal(deployment, 'workspace', true) ?? '', /sets "batch": not allowed in a workspace file \(a workspace cannot choose where your prompts and answers are written/);
      assert.match(refusal(deployment, 'workspace', false) ?? '', /sets "batch"/);
      assert.equal(refusal(deployment, 'user', true), null);
    }
  });
});
