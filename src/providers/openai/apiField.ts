/**
 * `api`: which of OpenAI's two APIs a deployment speaks — Chat Completions (the default) or Responses (the only one
 * some models answer on: codex, pro). Shared by the `openai` and `azure-openai` descriptors; cheap (no SDK).
 */
import * as z from 'zod/mini';
import type { SetupStep } from '../descriptor';

export const apiField = z.optional(z.enum(['chat', 'responses'], 'must be "chat" or "responses"'));

export const apiHint = 'use "chat" (Chat Completions, the default) or "responses" (the Responses API: codex and pro models answer only there)';

export const apiStep: SetupStep = {
  kind: 'pick', field: 'api', prompt: 'API', options: [
    { label: 'Chat Completions', description: 'chat/completions: most models', value: 'chat' },
    { label: 'Responses', description: 'responses: every model, and the only API of codex and pro models', value: 'responses' },
  ],
};
