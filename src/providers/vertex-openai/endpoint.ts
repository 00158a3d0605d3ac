/** The OpenAI SDK's base URL for Vertex AI's OpenAI-compatible endpoint: chat/completions is appended to it. */
import { vertexOrigin } from '../google/endpoint';

export function vertexOpenAIBaseUrl(deployment: { project: string; location: string; endpoint?: string | undefined }): string {
  return `${vertexOrigin(deployment.location, deployment.endpoint)}/v1/projects/${encodeURIComponent(deployment.project)}/locations/${encodeURIComponent(deployment.location)}/endpoints/openapi`;
}
