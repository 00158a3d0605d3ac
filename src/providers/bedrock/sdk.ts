/**
 * The AWS SDK pieces Fanout uses — the Bedrock runtime client, the HTTP/1.1 and HTTP/2 handlers, the credential
 * providers (profiles, SSO, the default chain), and for batch inference the Bedrock control plane and S3 clients —
 * as ONE lazily loaded chunk, so the adapters and the credential look-up share @smithy's core instead of each
 * bundling it.
 */
export { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
export { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand, StopModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
export { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
export { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
