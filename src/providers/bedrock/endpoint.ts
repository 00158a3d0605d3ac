/** The Bedrock runtime's origin for a region, or the private/VPC endpoint a deployment names. */
export const bedrockOrigin = (region: string, endpoint: string | undefined): string =>
  new URL(endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`).origin;
