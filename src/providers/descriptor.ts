/**
 * What Fanout knows about one kind of provider, in one place: its config fields and their checks, label, where its
 * requests go, its region, where its credential comes from (in order), where its price is looked up, where to get a key,
 * the guided set-up steps, and how to load its streaming adapter. Cheap to import: no SDK, no `vscode`.
 */
import * as z from 'zod/mini';
import { commonFields } from '../core/config/fields';
import type { BatchSupport } from '../core/batch/batchAdapter';
import type { ProviderAdapter } from '../core/engine/adapter';
import type { ImageLimits } from '../core/request/imageCheck';

/**
 * Where a credential may come from. Each host walks a descriptor's list in order: the CLI reads the environment,
 * the editor its secret storage and the user's own sign-ins.
 */
export type CredentialSource =
  /** A key saved in the editor for the deployment's origin; in the CLI the first of `env` that is set. */
  | { type: 'key'; env: readonly string[]; sendAs: 'api-key' | 'bearer'; name: string }
  /** Microsoft Entra ID: VS Code's Microsoft sign-in; in the CLI a token in `env`. */
  | { type: 'entra'; env: string }
  /** AWS: the named profile (SSO included), else environment keys (CLI), else the default chain. */
  | { type: 'aws'; profile: string | undefined }
  /** Google Application Default Credentials (gcloud, a credentials file, or the metadata server). */
  | { type: 'google-adc'; project: string }
  /** Nothing is needed (a local server that takes no key). */
  | { type: 'none'; source: string };

/** A step of "Fanout: Add Deployment" that asks for one provider-specific field. */
export type SetupStep =
  | { kind: 'text'; field: string; prompt: string; value?: string; placeholder?: string }
  | { kind: 'pick'; field: string; prompt: string; options: ReadonlyArray<string | { label: string; description: string; value: string }>; other?: boolean };

/**
 * Where the price of a model is looked up: a provider id of @pydantic/genai-prices and the model id it matches there
 * (route: a Bedrock cross-region prefix, for the cost's note), or why this kind has no price.
 */
export type PriceKey =
  | { provider: string; key: string; route: string | null }
  | { provider: null; reason: string };

type CommonShape = typeof commonFields;

export interface ProviderSpec<K extends string, F extends z.core.$ZodShape> {
  kind: K;
  /** The fields only this kind takes (beyond id, model, apiKeyEnv, pricing, params). */
  fields: F;
  /** What to write for each of those fields, shown after a problem. */
  fieldHints: Record<string, string>;
  /** "Amazon Bedrock". */
  label: string;
  /** One line for the provider picker: what it is and how it signs in. */
  summary: string;
  /** Models to offer in Add Deployment. */
  exampleModels: readonly string[];
  origin(deployment: DeploymentFrom<K, F>): string;
  region?(deployment: DeploymentFrom<K, F>): string | null;
  credentials(deployment: DeploymentFrom<K, F>): CredentialSource[];
  /** Where a user's own AWS or Google sign-in may be sent for workspace-provided deployments. */
  officialHost?: RegExp;
  price(deployment: DeploymentFrom<K, F>): PriceKey;
  /** Where a person makes a key, shown in the Set API Key box. */
  keyPage?: string;
  /**
   * The images this cloud takes in one request (media types, bytes per image and per request, count), from its
   * documentation: checked before sending, so a refused image fails its column with the limit and the fix. Without
   * it only the images' own bytes are checked.
   */
  images?: ImageLimits;
  /** The context window offered to VS Code's chat (default 128k). */
  contextTokens?: number;
  /** Add Deployment: the provider-specific steps, in order, after model and id. */
  setup: readonly SetupStep[];
  /** Add Deployment: the id offered for a model ("bedrock-anthropic-claude-…"). */
  suggestId?(model: string): string;
  /** Imports the adapter's chunk (and its SDK) on first use. */
  adapter(): Promise<ProviderAdapter<never>>;
  /** The cloud's own batch service (`fanout eval --batch`); absent: this kind's cases run streamed, and that is said. */
  batch?: BatchSupport<DeploymentFrom<K, F>>;
}

export type DeploymentFrom<K extends string, F extends z.core.$ZodShape> = z.infer<z.ZodMiniObject<CommonShape & { provider: z.ZodMiniLiteral<K> } & F>>;

export interface ProviderDescriptor<K extends string = string, F extends z.core.$ZodShape = z.core.$ZodShape> extends ProviderSpec<K, F> {
  /** The whole entry's schema: common fields, `provider`, and this kind's fields. Unknown fields are refused. */
  schema: z.ZodMiniObject<CommonShape & { provider: z.ZodMiniLiteral<K> } & F>;
}

/** A deployment id made from a prefix and a model id: "bedrock-anthropic-claude-3-5-haiku-20241022-v1-0". `skip` drops leading parts of the model id. */
export function idFrom(prefix: string, model: string, skip = 0): string {
  return `${prefix}-${model.split(/[.:/]/).filter(Boolean).slice(skip).join('-').replace(/[^A-Za-z0-9-]/g, '').slice(0, 28)}`;
}

export function defineProvider<K extends string, F extends z.core.$ZodShape>(spec: ProviderSpec<K, F>): ProviderDescriptor<K, F> {
  const schema = z.strictObject({ ...commonFields, provider: z.literal(spec.kind), ...spec.fields }) as unknown as ProviderDescriptor<K, F>['schema'];
  return { ...spec, schema };
}

/** The deployment type a descriptor validates. */
export type DeploymentOfProvider<T extends { schema: z.ZodMiniType }> = z.output<T['schema']>;
