/**
 * @google/genai and google-auth-library as ONE lazily loaded chunk: genai brings google-auth-library with it, so the
 * adapter and Application Default Credentials share it instead of each bundling it.
 */
export { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
export { GoogleAuth, OAuth2Client } from 'google-auth-library';
