/**
 * Deployment config: the type, and parsing that names every mistake with its field and a fix.
 * Used by the settings (`fanout.deployments`), workspace files (`.vscode/fanout.json`) and the CLI.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as z from 'zod/mini';
import { closest } from './closest';
import { PARAMETERS, paramsSchema, parameterHint } from '../request/params';

export const PROVIDERS = ['openai', 'openai-compatible', 'azure-openai', 'bedrock', 'vertex', 'gemini'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

const PROVIDER_LABEL: Record<ProviderKind, string> = {
  openai: 'OpenAI',
  'openai-compatible': 'OpenAI-compatible',
  'azure-openai': 'Azure OpenAI',
  bedrock: 'Amazon Bedrock',
  vertex: 'Vertex AI',
  gemini: 'Gemini API',
};
export const providerLabel = (kind: ProviderKind): string => PROVIDER_LABEL[kind];

const httpUrl = z.string().check(z.refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'is not a valid http(s) URL'));

const dollars = z.number().check(z.minimum(0, 'must be 0 or more'));
const pricingSchema = z.strictObject({
  inputPerMTok: dollars,
  outputPerMTok: dollars,
  cachedInputPerMTok: z.optional(dollars),
});


const pattern = (regex: RegExp, message: string) => z.string().check(z.regex(regex, message));

const common = {
  id: pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1–64 letters, digits, ".", "_", ":" or "-"'),
  model: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200, 'is too long')),
  apiKeyEnv: z.optional(pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')),
  pricing: z.optional(pricingSchema),
  params: z.optional(paramsSchema),
};

const awsRegion = pattern(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/, 'is not an AWS region');
const gcpLocation = pattern(/^(global|[a-z]+-[a-z]+\d{1,2})$/, 'is not a Google Cloud location');

const SCHEMAS = {
  openai: z.strictObject({ ...common, provider: z.literal('openai'), baseUrl: z.optional(httpUrl) }),
  'openai-compatible': z.strictObject({ ...common, provider: z.literal('openai-compatible'), baseUrl: httpUrl }),
  'azure-openai': z.strictObject({
    ...common,
    provider: z.literal('azure-openai'),
    endpoint: httpUrl,
    deployment: z.optional(pattern(/^[A-Za-z0-9._-]{1,64}$/, 'must be an Azure deployment name')),
    apiVersion: z.optional(pattern(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must look like "2024-10-21"')),
    auth: z.optional(z.enum(['key', 'entra'], 'must be "key" or "entra"')),
  }),
  bedrock: z.strictObject({
    ...common,
    provider: z.literal('bedrock'),
    region: awsRegion,
    profile: z.optional(pattern(/^[A-Za-z0-9._@+=,-]{1,128}$/, 'is not an AWS profile name')),
    endpoint: z.optional(httpUrl),
  }),
  vertex: z.strictObject({
    ...common,
    provider: z.literal('vertex'),
    project: pattern(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'is not a Google Cloud project id'),
    location: gcpLocation,
    endpoint: z.optional(httpUrl),
  }),
  gemini: z.strictObject({ ...common, provider: z.literal('gemini'), baseUrl: z.optional(httpUrl) }),
} satisfies Record<ProviderKind, z.ZodMiniType>;

export type OpenAIDeployment = z.infer<(typeof SCHEMAS)['openai']>;
export type OpenAICompatibleDeployment = z.infer<(typeof SCHEMAS)['openai-compatible']>;
export type AzureOpenAIDeployment = z.infer<(typeof SCHEMAS)['azure-openai']>;
export type BedrockDeployment = z.infer<(typeof SCHEMAS)['bedrock']>;
export type VertexDeployment = z.infer<(typeof SCHEMAS)['vertex']>;
export type GeminiDeployment = z.infer<(typeof SCHEMAS)['gemini']>;
export type Deployment =
  | OpenAIDeployment
  | OpenAICompatibleDeployment
  | AzureOpenAIDeployment
  | BedrockDeployment
  | VertexDeployment
  | GeminiDeployment;
export type DeploymentOf<K extends ProviderKind> = Extract<Deployment, { provider: K }>;

/** What to write, shown after the problem. */
const FIELD_HINT: Record<string, string> = {
  id: 'give each deployment a short unique name such as "eu-gpt4o"',
  provider: `use one of ${PROVIDERS.map((p) => `"${p}"`).join(', ')}`,
  model: 'name the base model, e.g. "gpt-4o", "anthropic.claude-3-5-haiku-20241022-v1:0" or "gemini-2.5-flash"',
  baseUrl: 'give the API root, e.g. "http://localhost:11434/v1"',
  endpoint: 'give the resource URL, e.g. "https://my-resource.openai.azure.com"',
  deployment: 'give the deployment name from the Azure portal',
  apiVersion: 'e.g. "2024-10-21"',
  auth: 'use "key" (API key) or "entra" (Microsoft Entra ID sign-in)',
  region: 'give the AWS region, e.g. "us-east-1"',
  profile: 'give a profile name from ~/.aws/config, e.g. "default"',
  project: 'give the Google Cloud project id, e.g. "my-project-123"',
  location: 'give the Vertex AI location, e.g. "us-central1"',
  apiKeyEnv: 'give the name of the environment variable that holds the key, e.g. "OPENAI_API_KEY"',
  pricing: 'e.g. { "inputPerMTok": 2.5, "outputPerMTok": 10 } in US dollars per million tokens',
  params: `e.g. { "temperature": 0.2, "maxTokens": 512 } — known: ${Object.keys(PARAMETERS).join(', ')}`,
  ...Object.fromEntries(Object.entries(PARAMETERS).map(([name, parameter]) => [name, parameterHint(parameter)])),
  inputPerMTok: 'US dollars per million input tokens, 0 or more',
  outputPerMTok: 'US dollars per million output tokens, 0 or more',
  cachedInputPerMTok: 'US dollars per million cached input tokens, 0 or more',
};

const ALL_FIELDS = [...new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema.shape)))];

export interface ConfigIssue {
  /** Where, e.g. `deployments[2].region`. */
  path: string;
  /** What is wrong and how to fix it, in one line. */
  message: string;
}

export type ParseResult =
  | { ok: true; deployments: Deployment[] }
  | { ok: false; issues: ConfigIssue[]; deployments: Deployment[] };

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/**
 * Validates a list of deployment entries. The valid entries are returned even when others are wrong,
 * so one typo never hides every deployment.
 */
export function parseDeployments(entries: unknown, where = 'deployments'): ParseResult {
  if (!Array.isArray(entries)) {
    return { ok: false, deployments: [], issues: [{ path: where, message: 'must be a list of deployments: [ { "id": …, "provider": …, "model": … } ]' }] };
  }
  const issues: ConfigIssue[] = [];
  const deployments: Deployment[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const label = `${where}[${index}]${typeof entry?.id === 'string' && entry.id ? ` ("${entry.id}")` : ''}`;
    const result = parseDeployment(entry, label);
    if (!result.ok) {
      issues.push(...result.issues);
      return;
    }
    const first = seen.get(result.deployment.id);
    if (first !== undefined) {
      issues.push({ path: `${label}.id`, message: `duplicate id "${result.deployment.id}" (also ${where}[${first}]) — every deployment needs its own id` });
      return;
    }
    seen.set(result.deployment.id, index);
    deployments.push(result.deployment);
  });
  return issues.length ? { ok: false, issues, deployments } : { ok: true, deployments };
}

function parseDeployment(entry: unknown, label: string): { ok: true; deployment: Deployment } | { ok: false; issues: ConfigIssue[] } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { ok: false, issues: [{ path: label, message: 'must be an object such as { "id": "my-gpt", "provider": "openai", "model": "gpt-4o-mini" }' }] };
  }
  const provider = (entry as Record<string, unknown>).provider;
  if (provider === undefined) return fail(label, 'provider', `missing — ${FIELD_HINT.provider}`);
  if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
    const guess = typeof provider === 'string' ? closest(provider, PROVIDERS) : undefined;
    return fail(label, 'provider', `unknown provider ${JSON.stringify(provider)}${guess ? ` — did you mean "${guess}"?` : ''} — ${FIELD_HINT.provider}`);
  }
  const kind = provider as ProviderKind;
  const result = SCHEMAS[kind].safeParse(entry);
  if (result.success) return { ok: true, deployment: result.data as Deployment };
  // a misspelt field explains the "missing" one beside it, so it is told first
  const issues = result.error.issues
    .flatMap((issue) => describeIssue(issue, kind, label, entry as Record<string, unknown>))
    .sort((a, b) => Number(b.message.startsWith('unknown field')) - Number(a.message.startsWith('unknown field')));
  return { ok: false, issues };
}

function fail(label: string, field: string, message: string): { ok: false; issues: ConfigIssue[] } {
  return { ok: false, issues: [{ path: `${label}.${field}`, message }] };
}

function describeIssue(issue: z.core.$ZodIssue, kind: ProviderKind, label: string, entry: Record<string, unknown>): ConfigIssue[] {
  const at = issue.path.map(String);
  const path = [label, ...at].join('.');
  const field = at[at.length - 1] ?? '';
  if (issue.code === 'unrecognized_keys') {
    const validHere = Object.keys(SCHEMAS[kind].shape);
    return issue.keys.map((key) => {
      const keyPath = [label, ...at, key].join('.');
      if (at.length === 0 && ALL_FIELDS.includes(key)) {
        return { path: keyPath, message: `"${key}" is not used by provider "${kind}" (${providerLabel(kind)}) — remove it, or check the provider` };
      }
      const known = at.length === 0 ? validHere : Object.keys(FIELD_HINT).filter((name) => nestedFields(at[0]).includes(name));
      const guess = closest(key, known);
      return { path: keyPath, message: `unknown field "${key}"${guess ? ` — did you mean "${guess}"?` : ` — known fields: ${known.join(', ')}`}` };
    });
  }
  const value = at.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], entry);
  const hint = FIELD_HINT[field];
  if (value === undefined) {
    return [{ path, message: `missing — ${providerLabel(kind)} needs it: ${hint ?? 'add it'}` }];
  }
  const problem = issue.code === 'invalid_type' ? `must be ${describeExpected(issue.expected)}` : issue.message;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : JSON.stringify(value);
  return [{ path, message: `${shown} ${problem}${hint ? ` — ${hint}` : ''}` }];
}

const EXPECTED: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text in quotes', object: 'an object', array: 'a list', boolean: 'true or false' };

/** "a whole number", "a list"…: what a value of the expected type is called, for messages. */
export const describeExpected = (expected: string): string => EXPECTED[expected] ?? `a ${expected}`;

function nestedFields(parent: string | undefined): string[] {
  if (parent === 'pricing') return Object.keys(pricingSchema.shape);
  if (parent === 'params') return Object.keys(paramsSchema.shape);
  return [];
}

/** Parses a config file's text (`{ "deployments": [ … ] }`, comments allowed) naming the file in every issue. */
export function parseConfigText(text: string, file: string): ParseResult {
  const errors: ParseError[] = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0]!;
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    return { ok: false, deployments: [], issues: [{ path: file, message: `not valid JSON at line ${line}, column ${column} (${printParseErrorCode(first.error)}) — fix the syntax there` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('deployments' in data)) {
    return { ok: false, deployments: [], issues: [{ path: file, message: 'must be an object with a "deployments" list: { "deployments": [ … ] }' }] };
  }
  return parseDeployments((data as { deployments: unknown }).deployments, `${file}: deployments`);
}

/** Where a deployment runs, when its cloud has regions or locations (Bedrock, Vertex AI). */
export function deploymentRegion(deployment: Deployment): string | null {
  return 'region' in deployment ? deployment.region : 'location' in deployment ? deployment.location : null;
}

/** The origin (scheme + host + port) that a deployment's requests go to; credentials are bound to it. */
export function deploymentOrigin(deployment: Deployment): string {
  switch (deployment.provider) {
    case 'openai':
      return new URL(deployment.baseUrl ?? 'https://api.openai.com/v1').origin;
    case 'openai-compatible':
      return new URL(deployment.baseUrl).origin;
    case 'azure-openai':
      return new URL(deployment.endpoint).origin;
    case 'bedrock':
      return new URL(deployment.endpoint ?? `https://bedrock-runtime.${deployment.region}.amazonaws.com`).origin;
    case 'vertex':
      return new URL(deployment.endpoint ?? (deployment.location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${deployment.location}-aiplatform.googleapis.com`)).origin;
    case 'gemini':
      return new URL(deployment.baseUrl ?? 'https://generativelanguage.googleapis.com').origin;
  }
}
