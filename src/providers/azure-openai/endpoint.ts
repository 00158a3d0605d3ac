/** The Azure OpenAI API version sent when a deployment names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** `response_format: json_schema` arrived in api-version 2024-08-01-preview; older versions answer it with a 400. */
export const takesJsonSchema = (apiVersion: string): boolean => apiVersion.slice(0, 10) >= '2024-08-01';

/** The resource's v1 endpoint, where the Responses API is (no api-version): `https://NAME.openai.azure.com/openai/v1/`. */
export const azureV1BaseUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, '')}/openai/v1/`;
