/**
 * Provider kind → its descriptor (cheap: config fields, label, origin, credential sources, prices, set-up) and, through
 * it, its adapter, imported on first use. Each adapter (and the SDK it shares with others) is a separate chunk in the
 * build, so starting the CLI or the extension loads no SDK. Adding a cloud: its folder, and one line here.
 */
import type { ProviderAdapter } from '../core/engine/adapter';
import type { ChatRequest } from '../core/request/chatRequest';
import { imageProblem } from '../core/request/imageCheck';
import { azureOpenAIProvider } from './azure-openai/descriptor';
import { bedrockProvider } from './bedrock/descriptor';
import type { CredentialSource, DeploymentOfProvider, ProviderDescriptor } from './descriptor';
import { geminiProvider, vertexProvider } from './google/descriptor';
import { openaiCompatibleProvider, openaiProvider } from './openai/descriptor';
import { vertexOpenAIProvider } from './vertex-openai/descriptor';
import { traced } from './transport/phases';

export const DESCRIPTORS = {
  openai: openaiProvider,
  'openai-compatible': openaiCompatibleProvider,
  'azure-openai': azureOpenAIProvider,
  bedrock: bedrockProvider,
  vertex: vertexProvider,
  gemini: geminiProvider,
  'vertex-openai': vertexOpenAIProvider,
};

export type ProviderKind = keyof typeof DESCRIPTORS;
export const PROVIDER_KINDS = Object.keys(DESCRIPTORS) as ProviderKind[];

export type Deployment = { [K in ProviderKind]: DeploymentOfProvider<(typeof DESCRIPTORS)[K]> }[ProviderKind];
export type DeploymentOf<K extends ProviderKind> = Extract<Deployment, { provider: K }>;

/** A kind's descriptor, typed for code that handles every kind alike. */
export function descriptorOf(kind: ProviderKind): ProviderDescriptor<ProviderKind> & {
  origin(deployment: Deployment): string;
  region?(deployment: Deployment): string | null;
  credentials(deployment: Deployment): CredentialSource[];
  price(deployment: Deployment): ReturnType<ProviderDescriptor['price']>;
} {
  return DESCRIPTORS[kind] as never;
}

/** The kind's adapter, its every call run inside the call's trace so the transport's events are attributed to it. */
export async function loadAdapter(kind: ProviderKind): Promise<ProviderAdapter> {
  const adapter = (await descriptorOf(kind).adapter()) as ProviderAdapter;
  return { stream: (call) => traced(call.trace, adapter.stream(call)) };
}

/** Closes the SDK clients kept across runs and their connections: the CLI at its end, the extension on deactivate. */
export { closeKeptClients as closeConnections } from './transport/keptClients';

export const providerLabel = (kind: ProviderKind): string => DESCRIPTORS[kind].label;
/** The origin (scheme + host + port) that a deployment's requests go to; credentials are bound to it. */
export const deploymentOrigin = (deployment: Deployment): string => descriptorOf(deployment.provider).origin(deployment);
/** Where a deployment runs, when its cloud has regions or locations (Bedrock, Vertex AI). */
export const deploymentRegion = (deployment: Deployment): string | null => descriptorOf(deployment.provider).region?.(deployment) ?? null;
/** Where the deployment's credential may come from, in the order they are tried. */
export const credentialSources = (deployment: Deployment): CredentialSource[] => descriptorOf(deployment.provider).credentials(deployment);
/** Why this kind's cloud would refuse the request's images (type, corrupt bytes, size, count), or null: its descriptor's `images` limits. */
export function imageProblemFor(request: ChatRequest, kind: ProviderKind): string | null {
  const descriptor = DESCRIPTORS[kind] as ProviderDescriptor | undefined;
  return imageProblem(request, descriptor?.images, descriptor?.label ?? kind);
}
