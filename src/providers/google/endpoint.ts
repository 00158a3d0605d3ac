/** Where Google's model APIs are: Vertex AI by location (`global` has no regional prefix), the Gemini API. */
export const vertexOrigin = (location: string, endpoint: string | undefined): string =>
  new URL(endpoint ?? (location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`)).origin;

export const geminiOrigin = (baseUrl: string | undefined): string => new URL(baseUrl ?? 'https://generativelanguage.googleapis.com').origin;
