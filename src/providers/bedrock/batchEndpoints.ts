/**
 * Where a Bedrock batch goes: the control plane (`bedrock.<region>`) and S3. Without an `endpoint` override, the
 * SDKs' own regional endpoints. A deployment whose `endpoint` is an AWS host (a VPC or FIPS runtime endpoint) still
 * uses them: that endpoint serves only the runtime. Any other `endpoint` (a gateway, a loopback emulator) serves all
 * three, S3 path-style.
 */
export interface BatchEndpoints {
  controlPlane?: string;
  s3?: string;
  forcePathStyle: boolean;
}

export function batchEndpoints(endpoint: string | undefined): BatchEndpoints {
  if (!endpoint) return { forcePathStyle: false };
  const url = new URL(endpoint);
  if (/\.amazonaws\.com(\.cn)?$/.test(url.hostname)) return { forcePathStyle: false };
  return { controlPlane: url.origin, s3: url.origin, forcePathStyle: true };
}
