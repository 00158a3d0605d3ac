/** Amazon Bedrock: a region, and an AWS profile (SSO included), the default chain, or a Bedrock API key. */
import * as z from 'zod/mini';
import { awsRegion, httpUrl, pattern } from '../../core/config/fields';
import { MB } from '../../core/request/imageCheck';
import { defineProvider, idFrom, type DeploymentFrom } from '../descriptor';
import { batchProblem } from './batchConfig';
import { BATCH_FIELD_HINTS, batchField } from './batchField';
import { bedrockOrigin } from './endpoint';
import { bedrockPriceKey } from './priceKey';

const AWS_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'ap-northeast-1', 'ap-south-1', 'ap-southeast-2', 'sa-east-1'];

const fields = {
  region: awsRegion,
  profile: z.optional(pattern(/^[A-Za-z0-9._@+=,-]{1,128}$/, 'is not an AWS profile name')),
  endpoint: z.optional(httpUrl),
  batch: batchField,
};
export type BedrockDeployment = DeploymentFrom<'bedrock', typeof fields>;

export const bedrockProvider = defineProvider({
  kind: 'bedrock',
  fields,
  fieldHints: {
    region: 'give the AWS region, e.g. "us-east-1"',
    profile: 'give a profile name from ~/.aws/config, e.g. "default"',
    endpoint: 'give a private or VPC endpoint URL, e.g. "https://vpce-….bedrock-runtime.us-east-1.vpce.amazonaws.com"',
    ...BATCH_FIELD_HINTS,
  },
  label: 'Amazon Bedrock',
  summary: 'Amazon Bedrock, with your AWS profile (SSO too) or a Bedrock API key',
  exampleModels: ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-3-70b-instruct-v1:0'],
  origin: (deployment) => bedrockOrigin(deployment.region, deployment.endpoint),
  region: (deployment) => deployment.region,
  // a saved Bedrock API key wins; else the profile (SSO included) or the default chain
  credentials: (deployment) => [
    { type: 'key', env: ['AWS_BEARER_TOKEN_BEDROCK'], sendAs: 'bearer', name: 'Bedrock API key' },
    { type: 'aws', profile: deployment.profile },
  ],
  officialHost: /^bedrock-runtime(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
  price: (deployment) => bedrockPriceKey(deployment.model),
  keyPage: 'the Amazon Bedrock console → API keys (or use an AWS profile instead)',
  contextTokens: 200_000,
  // Converse API reference, Message.content: "up to 20 images. Each image's size, height, and width must be no more
  // than 3.75 MB, 8000 px, and 8000 px"; ImageBlock.format: png | jpeg | gif | webp (docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html)
  images: { mediaTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 3.75 * MB, maxCount: 20 },
  setup: [
    { kind: 'pick', field: 'region', prompt: 'The AWS region, e.g. us-east-1', options: AWS_REGIONS, other: true },
  ],
  // "us.anthropic.claude-…" → "bedrock-anthropic-claude-…": the route prefix says little
  suggestId: (model) => idFrom('bedrock', model, 1),
  adapter: async () => (await import('./adapter')).bedrockAdapter,
  batch: {
    service: 'Bedrock batch inference',
    // "Batch inference … at 50% of the On-Demand price" for the models that offer it (aws.amazon.com/bedrock/pricing/)
    priceFactor: 0.5,
    problem: batchProblem,
    adapter: async () => (await import('./batch')).bedrockBatchAdapter,
  },
});
