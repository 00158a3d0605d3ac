/**
 * The registry is the one place per cloud: every kind has a descriptor whose facts the rest of Fanout asks for, the
 * settings schema in package.json lists exactly the registry's kinds and fields, and only the registry's chunks hold an SDK.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeployments } from '../../src/core/config/deployment';
import { loadPrices, lookupPrice } from '../../src/core/results/pricing';
import { DESCRIPTORS, PROVIDER_KINDS, credentialSources, deploymentOrigin, descriptorOf, type Deployment } from '../../src/providers/registry';
import { needsKey, signInCommandOf, signInOwnerOf, signsInWithoutKey } from '../../src/providers/credentialSources';

const ROOT = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const items = manifest.contributes.configuration.properties['fanout.deployments'].items;

const parse = (entry: Record<string, unknown>): Deployment => {
  const result = parseDeployments([entry]);
  assert.ok(result.ok, JSON.stringify(result));
  return result.deployments[0]!;
};

describe('provider registry', () => {
  before(() => loadPrices());

  it('package.json names exactly the registry\'s kinds, a snippet for each, and every field a descriptor takes', () => {
    assert.deepEqual(items.properties.provider.enum, PROVIDER_KINDS);
    assert.equal(items.properties.provider.markdownEnumDescriptions.length, PROVIDER_KINDS.length);
    for (const kind of PROVIDER_KINDS) {
      assert.ok(items.defaultSnippets.some((snippet: { body: { provider: string } }) => snippet.body.provider === kind), `a snippet for ${kind}`);
      for (const field of Object.keys(DESCRIPTORS[kind].schema.shape)) assert.ok(field in items.properties, `${kind}.${field} in the settings schema`);
    }
  });

  it('each descriptor describes its cloud: label, summary, models that parse, origin, set-up steps naming its own fields', () => {
    for (const kind of PROVIDER_KINDS) {
      const descriptor = descriptorOf(kind);
      assert.ok(descriptor.label && descriptor.summary, kind);
      for (const step of descriptor.setup) assert.ok(step.field in descriptor.schema.shape, `${kind}: step ${step.field}`);
      for (const field of Object.keys(descriptor.fields)) assert.ok(descriptor.fieldHints[field], `${kind}: a hint for ${field}`);
    }
  });

  it('vertex-openai: its own folder, the project\'s openapi endpoint, Google sign-in, priced where the table knows the model', () => {
    const gptOss = parse({ id: 'oss', provider: 'vertex-openai', model: 'openai/gpt-oss-120b-maas', project: 'my-project-123', location: 'us-central1' });
    assert.equal(deploymentOrigin(gptOss), 'https://us-central1-aiplatform.googleapis.com');
    assert.equal(deploymentOrigin(parse({ id: 'g', provider: 'vertex-openai', model: 'm', project: 'my-project-123', location: 'global' })), 'https://aiplatform.googleapis.com');
    assert.deepEqual(credentialSources(gptOss), [{ type: 'google-adc', project: 'my-project-123' }]);
    assert.equal(signInCommandOf(gptOss), 'gcloud auth application-default login');
    assert.equal(signInOwnerOf(gptOss), 'Google');
    const unknown = lookupPrice(gptOss);
    assert.ok(!unknown.found && /no price for "openai\/gpt-oss-120b-maas" in the bundled prices/.test(unknown.reason), JSON.stringify(unknown));
    const gemini = lookupPrice(parse({ id: 'g', provider: 'vertex-openai', model: 'google/gemini-2.5-flash', project: 'my-project-123', location: 'us-central1' }));
    assert.ok(gemini.found, 'Gemini through the OpenAI-compatible endpoint is priced as Gemini');
    for (const dir of ['src/providers/vertex-openai/descriptor.ts', 'src/providers/vertex-openai/adapter.ts']) assert.ok(existsSync(join(ROOT, dir)), dir);
  });

  it('what the credential sources mean: a key to set, a sign-in to repair, details to show', () => {
    const openai = parse({ id: 'a', provider: 'openai', model: 'gpt-4o' });
    const bedrock = parse({ id: 'b', provider: 'bedrock', model: 'm', region: 'us-east-1' });
    const bedrockProfile = parse({ id: 'c', provider: 'bedrock', model: 'm', region: 'us-east-1', profile: 'dev' });
    const entra = parse({ id: 'd', provider: 'azure-openai', model: 'gpt-4o', endpoint: 'https://x.openai.azure.com', auth: 'entra' });
    const local = parse({ id: 'e', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' });
    assert.deepEqual([openai, bedrock, bedrockProfile, entra, local].map(needsKey), [true, true, false, false, false]);
    assert.deepEqual([openai, bedrock, bedrockProfile, entra, local].map(signInCommandOf), [null, null, 'aws sso login --profile dev', null, null]);
    assert.deepEqual([openai, bedrock, bedrockProfile, entra, local].map(signsInWithoutKey), [false, false, true, true, false]);
  });

  it('the build bundles each SDK once, in a lazily loaded chunk; the CLI and the extension hold none', function () {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const sdkOf = (input: string): string | null => /node_modules\/((@aws-sdk|@smithy|@google)\/[^/]+|openai|google-auth-library|gaxios)\//.exec(input)?.[1]?.replace(/^(@aws-sdk|@smithy)\/.*/, '$1') ?? null;
    const holders = new Map<string, Set<string>>();
    for (const [output, info] of Object.entries(meta.outputs)) {
      if (!output.endsWith('.js')) continue;
      for (const input of Object.keys(info.inputs)) {
        const sdk = sdkOf(input);
        if (sdk) holders.set(sdk, new Set([...(holders.get(sdk) ?? []), output]));
      }
    }
    assert.ok(holders.size >= 5, [...holders.keys()].join(', '));
    for (const [sdk, outputs] of holders) {
      assert.equal(outputs.size, 1, `${sdk} is bundled in ${[...outputs].join(', ')}`);
      assert.match([...outputs][0]!, /^dist\/providers\/[a-z-]+-sdk\.js$/, `${sdk} sits in a shared SDK chunk`);
    }
  });
});
