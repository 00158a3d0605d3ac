/** Emulators with known test credentials, and small helpers to drive adapters and the engine. */
import type { ProviderAdapter } from '../../src/core/engine/adapter';
import type { Credential, CredentialResolver } from '../../src/core/security/credential';
import type { Deployment } from '../../src/core/config/deployment';
import type { AzureOpenAIDeployment } from '../../src/providers/azure-openai/descriptor';
import type { BedrockDeployment } from '../../src/providers/bedrock/descriptor';
import type { GeminiDeployment, VertexDeployment } from '../../src/providers/google/descriptor';
import type { OpenAICompatibleDeployment, OpenAIDeployment } from '../../src/providers/openai/descriptor';
import type { VertexOpenAIDeployment } from '../../src/providers/vertex-openai/descriptor';
import type { ChatRequest, StreamPart } from '../../src/core/request/stream';
import { loadAdapter } from '../../src/providers/registry';
import { BATCH_DEFAULTS, BedrockEmulator } from '../emulators/bedrock';
import { GoogleEmulator } from '../emulators/google';
import { OpenAIEmulator } from '../emulators/openai';
import type { TlsIdentity } from '../emulators/server';

/** Obvious fakes: nothing here is, or looks like, a real key. */
export const KEYS = {
  openai: 'test-openai-key-0001',
  azure: 'test-azure-key-0001',
  azureToken: 'test-entra-token-0001',
  aws: { accessKeyId: 'AKIDFANOUTTEST', secretAccessKey: 'test-aws-secret-0001' },
  awsSession: { accessKeyId: 'ASIAFANOUTTEST', secretAccessKey: 'test-aws-secret-0002', sessionToken: 'test-aws-session-0002' },
  bedrockApiKey: 'test-bedrock-api-key-0001',
  gemini: 'test-gemini-key-0001',
  vertexToken: 'test-vertex-token-0001',
};

/** The service role the Bedrock emulator's batch control plane can assume (its bucket: s3://fanout-batch). */
export const BEDROCK_BATCH_ROLE = 'arn:aws:iam::123456789012:role/FanoutBatch';

export interface Emulators {
  openai: OpenAIEmulator;
  bedrock: BedrockEmulator;
  google: GoogleEmulator;
  stop(): Promise<void>;
  reset(): void;
}

/** The three cloud emulators on loopback; with `tls`, each serves HTTPS with that certificate. */
export async function startEmulators(options: { tls?: TlsIdentity } = {}): Promise<Emulators> {
  const made = [
    new OpenAIEmulator({ apiKeys: [KEYS.openai], azureKeys: [KEYS.azure], azureTokens: [KEYS.azureToken], azureDeployments: { 'prod-gpt4o': 'gpt-4o', 'prod-mini': 'gpt-4o-mini', 'batch-gpt4o': 'gpt-4o' }, vertexTokens: [KEYS.vertexToken, 'test-metadata-token-0001'] }),
    new BedrockEmulator({ keys: [KEYS.aws, KEYS.awsSession], apiKeys: [KEYS.bedrockApiKey], buckets: { 'fanout-batch': 'us-east-1' }, batch: { roles: [BEDROCK_BATCH_ROLE] } }),
    new GoogleEmulator({ apiKeys: [KEYS.gemini], vertexTokens: [KEYS.vertexToken], metadataToken: 'test-metadata-token-0001', metadataProject: 'fanout-test-1' }),
  ] as const;
  if (options.tls) for (const emulator of made) emulator.secure(options.tls);
  const [openai, bedrock, google] = await Promise.all([made[0].start(), made[1].start(), made[2].start()]);
  return {
    openai,
    bedrock,
    google,
    stop: async () => {
      await Promise.all([openai.stop(), bedrock.stop(), google.stop()]);
    },
    reset: () => {
      for (const emulator of [openai, bedrock, google]) {
        emulator.behaviour.reset();
        emulator.server.requests.length = 0;
      }
      openai.batches.reset();
      bedrock.s3.objects.clear();
      bedrock.batch.jobs.clear();
      bedrock.batch.knobs = { ...BATCH_DEFAULTS, roles: [BEDROCK_BATCH_ROLE] };
    },
  };
}

/** One deployment of every provider, pointed at the emulators. */
export interface TestDeployments {
  openai: OpenAIDeployment;
  compatible: OpenAICompatibleDeployment;
  azure: AzureOpenAIDeployment;
  bedrock: BedrockDeployment;
  vertex: VertexDeployment;
  gemini: GeminiDeployment;
  vertexOpenai: VertexOpenAIDeployment;
}

export function deploymentsFor(emulators: Emulators): TestDeployments {
  return {
    openai: { id: 'openai-mini', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${emulators.openai.url}/v1` },
    compatible: { id: 'local-llama', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${emulators.openai.url}/v1` },
    azure: { id: 'azure-gpt4o', provider: 'azure-openai', model: 'gpt-4o', deployment: 'prod-gpt4o', endpoint: emulators.openai.url },
    bedrock: { id: 'bedrock-haiku', provider: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: emulators.bedrock.url },
    vertex: { id: 'vertex-flash', provider: 'vertex', model: 'gemini-2.5-flash', project: 'fanout-test-1', location: 'us-central1', endpoint: emulators.google.url },
    gemini: { id: 'gemini-flash', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: emulators.google.url },
    vertexOpenai: { id: 'vertex-gpt-oss', provider: 'vertex-openai', model: 'openai/gpt-oss-120b-maas', project: 'fanout-test-1', location: 'us-central1', endpoint: emulators.openai.url },
  };
}

export function credentialFor(deployment: Deployment): Credential {
  switch (deployment.provider) {
    case 'openai': return { type: 'api-key', key: KEYS.openai, source: 'test' };
    case 'openai-compatible': return { type: 'none', source: 'test' };
    case 'azure-openai': return deployment.auth === 'entra' ? { type: 'bearer', token: KEYS.azureToken, source: 'test' } : { type: 'api-key', key: KEYS.azure, source: 'test' };
    case 'bedrock': return { type: 'aws', ...KEYS.aws, source: 'test' };
    case 'vertex': return { type: 'bearer', token: KEYS.vertexToken, source: 'test' };
    case 'gemini': return { type: 'api-key', key: KEYS.gemini, source: 'test' };
    case 'vertex-openai': return { type: 'bearer', token: KEYS.vertexToken, source: 'test' };
  }
}

/** Resolves the test credential of each deployment, or an override by id. */
export function testCredentials(overrides: Record<string, Credential> = {}): CredentialResolver {
  return { resolve: async (deployment) => ({ ok: true, credential: overrides[deployment.id] ?? credentialFor(deployment) }) };
}

export const PROMPT: ChatRequest = { system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello to every cloud.' }], params: { maxTokens: 64, temperature: 0.2 } };

export interface Collected {
  parts: StreamPart[];
  text: string;
  errors: StreamPart[];
}

/** Streams one adapter call to its end and gathers what it yielded. */
export async function collect(deployment: Deployment, options: { credential?: Credential; http1?: boolean; signal?: AbortSignal; request?: ChatRequest } = {}): Promise<Collected> {
  const adapter: ProviderAdapter = await loadAdapter(deployment.provider);
  const parts: StreamPart[] = [];
  for await (const part of adapter.stream({
    deployment,
    credential: options.credential ?? credentialFor(deployment),
    request: options.request ?? PROMPT,
    signal: options.signal ?? new AbortController().signal,
    transport: { http1: options.http1 ?? false },
  })) {
    parts.push(part);
  }
  return {
    parts,
    text: parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join(''),
    errors: parts.filter((part) => part.type === 'error'),
  };
}

export function errorOf(collected: Collected): Extract<StreamPart, { type: 'error' }>['error'] {
  const part = collected.errors[0];
  if (!part || part.type !== 'error') throw new Error(`expected an error part, got ${JSON.stringify(collected.parts.map((p) => p.type))}`);
  return part.error;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
