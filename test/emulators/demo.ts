/**
 * The embedded default: every emulator on loopback with answers, speeds and keys that make a realistic
 * comparison, and the config that points one deployment of every provider at them. Used by `npm run demo`,
 * `npm run emulators` and the editor demo.
 */
import { BedrockEmulator } from './bedrock';
import { GoogleEmulator } from './google';
import { OpenAIEmulator } from './openai';

export const DEMO_KEYS = {
  OPENAI_API_KEY: 'demo-openai-key',
  AZURE_OPENAI_API_KEY: 'demo-azure-key',
  AWS_ACCESS_KEY_ID: 'AKIDFANOUTDEMO',
  AWS_SECRET_ACCESS_KEY: 'demo-aws-secret',
  GEMINI_API_KEY: 'demo-gemini-key',
  FANOUT_DEMO_VERTEX_TOKEN: 'demo-vertex-token',
  AWS_BEARER_TOKEN_BEDROCK: 'demo-bedrock-api-key',
};

const ANSWERS: Record<string, string> = {
  'gpt-4o-mini': 'Each cloud runs its own copy of the model behind its own gateway, so version pins, safety filters and default parameters differ. Latency differs too: distance to the region, queueing and batching all add up before the first token.',
  'gpt-4o': 'Azure serves the model from your own deployment, with its own content filters, quota and API version. The weights may match OpenAI\'s, but the filters, the region and the load on your deployment shape what you get and how fast.',
  'us.anthropic.claude-3-5-haiku-20241022-v1:0': 'On Bedrock the request goes through AWS\'s runtime in the region you chose, or across regions with an inference profile. Throughput limits, guardrails and the profile\'s routing decide the speed, and the price follows the route.',
  'global.anthropic.claude-sonnet-4-5-20250929-v1:0': 'A global inference profile lets AWS send the request to whichever region has room. It is usually cheaper and steadier under load, at the cost of not knowing where your prompt was served.',
  'gemini-2.5-flash': 'Vertex AI serves Gemini inside your Google Cloud project and location, with its quota and data-residency rules. The model version Vertex pins may trail or lead the one the Gemini API serves.',
  'gemini-2.0-flash': 'The Gemini API is the shortest path to the model, keyed by an API key, with its own rate limits. Responses can differ from Vertex because of version aliases, safety defaults and quota tiers.',
  'openai/gpt-oss-120b-maas': 'Vertex AI also serves open-weight models such as gpt-oss behind an OpenAI-compatible endpoint in your project, signed in with your Google credentials. Same wire as OpenAI, but Google\'s quota, region and price.',
  'llama3.2': 'A local server answers with no network in between, so the first token comes fast, but a small model on a laptop generates slowly and knows less than the hosted ones.',
};

/** First-token delay and speed per model, in the range real services show. */
const SPEED: Record<string, { firstTokenDelayMs: number; tokensPerSecond: number }> = {
  'gpt-4o-mini': { firstTokenDelayMs: 380, tokensPerSecond: 90 },
  'gpt-4o': { firstTokenDelayMs: 520, tokensPerSecond: 70 },
  'us.anthropic.claude-3-5-haiku-20241022-v1:0': { firstTokenDelayMs: 450, tokensPerSecond: 80 },
  'global.anthropic.claude-sonnet-4-5-20250929-v1:0': { firstTokenDelayMs: 900, tokensPerSecond: 55 },
  'gemini-2.5-flash': { firstTokenDelayMs: 600, tokensPerSecond: 140 },
  'gemini-2.0-flash': { firstTokenDelayMs: 330, tokensPerSecond: 160 },
  'openai/gpt-oss-120b-maas': { firstTokenDelayMs: 700, tokensPerSecond: 110 },
  'llama3.2': { firstTokenDelayMs: 120, tokensPerSecond: 30 },
};

/** The small local model gets a JSON schema wrong (it leaves out a required property), as small models do. */
const byModel = Object.fromEntries(Object.entries(ANSWERS).map(([model, text]) => [model, { text, ...SPEED[model], ...(model === 'llama3.2' ? { jsonInvalid: true } : {}) }]));

export interface DemoEmulators {
  openai: OpenAIEmulator;
  local: OpenAIEmulator;
  bedrock: BedrockEmulator;
  google: GoogleEmulator;
  deployments: unknown[];
  stop(): Promise<void>;
}

export interface DemoPorts {
  openai?: number;
  local?: number;
  bedrock?: number;
  google?: number;
}

export async function startDemoEmulators(ports: DemoPorts = {}): Promise<DemoEmulators> {
  const openai = await new OpenAIEmulator({
    apiKeys: [DEMO_KEYS.OPENAI_API_KEY],
    azureKeys: [DEMO_KEYS.AZURE_OPENAI_API_KEY],
    azureDeployments: { 'prod-gpt4o': 'gpt-4o' },
    vertexTokens: [DEMO_KEYS.FANOUT_DEMO_VERTEX_TOKEN],
    rules: { byModel },
  }).start(ports.openai);
  const local = await new OpenAIEmulator({ rules: { byModel } }).start(ports.local); // like Ollama: no key
  const bedrock = await new BedrockEmulator({ keys: [{ accessKeyId: DEMO_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: DEMO_KEYS.AWS_SECRET_ACCESS_KEY }], apiKeys: [DEMO_KEYS.AWS_BEARER_TOKEN_BEDROCK], rules: { byModel } }).start(ports.bedrock);
  const google = await new GoogleEmulator({ apiKeys: [DEMO_KEYS.GEMINI_API_KEY], vertexTokens: [DEMO_KEYS.FANOUT_DEMO_VERTEX_TOKEN], rules: { byModel } }).start(ports.google);
  const deployments = [
    { id: 'openai-4o-mini', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${openai.url}/v1` },
    { id: 'azure-4o', provider: 'azure-openai', model: 'gpt-4o', deployment: 'prod-gpt4o', endpoint: openai.url },
    { id: 'bedrock-haiku-us', provider: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: bedrock.url },
    { id: 'bedrock-sonnet-global', provider: 'bedrock', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'us-east-1', endpoint: bedrock.url },
    { id: 'vertex-flash', provider: 'vertex', model: 'gemini-2.5-flash', project: 'fanout-demo', location: 'us-central1', endpoint: google.url, apiKeyEnv: 'FANOUT_DEMO_VERTEX_TOKEN' },
    { id: 'vertex-gpt-oss', provider: 'vertex-openai', model: 'openai/gpt-oss-120b-maas', project: 'fanout-demo', location: 'us-central1', endpoint: openai.url, apiKeyEnv: 'FANOUT_DEMO_VERTEX_TOKEN' },
    { id: 'gemini-flash', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: google.url },
    { id: 'ollama-llama', provider: 'openai-compatible', model: 'llama3.2', baseUrl: `${local.url}/v1` },
  ];
  return {
    openai, local, bedrock, google, deployments,
    stop: async () => {
      await Promise.all([openai.stop(), local.stop(), bedrock.stop(), google.stop()]);
    },
  };
}
