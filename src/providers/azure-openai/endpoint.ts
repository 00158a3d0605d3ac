/** The Azure OpenAI API version sent when a deployment names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
