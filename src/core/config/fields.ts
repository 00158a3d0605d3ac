/**
 * The building blocks of deployment config: the fields every deployment has (id, model, apiKeyEnv, pricing,
 * params) and the checks provider descriptors compose their own fields from (URLs, patterns, regions).
 */
import * as z from 'zod/mini';
import { paramsSchema } from '../request/params';

export const httpUrl = z.string().check(z.refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'is not a valid http(s) URL'));

export const pattern = (regex: RegExp, message: string) => z.string().check(z.regex(regex, message));

const dollars = z.number().check(z.minimum(0, 'must be 0 or more'));
export const pricingSchema = z.strictObject({
  inputPerMTok: dollars,
  outputPerMTok: dollars,
  cachedInputPerMTok: z.optional(dollars),
});

const deploymentId = pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1–64 letters, digits, ".", "_", ":" or "-"');

/** Fields every deployment takes, whatever its cloud. */
export const commonFields = {
  id: deploymentId,
  model: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200, 'is too long')),
  apiKeyEnv: z.optional(pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')),
  pricing: z.optional(pricingSchema),
  params: z.optional(paramsSchema),
  /** Deployments of the same list to try, in order, when this one has an outage, a rate limit or a timeout. */
  fallbacks: z.optional(z.array(deploymentId).check(z.maxLength(8, 'names at most 8 deployments'))),
};

/** What to write for the common fields, shown after the problem. */
export const COMMON_FIELD_HINTS: Record<string, string> = {
  id: 'give each deployment a short unique name such as "eu-gpt4o"',
  model: 'name the base model, e.g. "gpt-4o", "anthropic.claude-3-5-haiku-20241022-v1:0" or "gemini-2.5-flash"',
  apiKeyEnv: 'give the name of the environment variable that holds the key, e.g. "OPENAI_API_KEY"',
  pricing: 'e.g. { "inputPerMTok": 2.5, "outputPerMTok": 10 } in US dollars per million tokens',
  inputPerMTok: 'US dollars per million input tokens, 0 or more',
  outputPerMTok: 'US dollars per million output tokens, 0 or more',
  cachedInputPerMTok: 'US dollars per million cached input tokens, 0 or more',
  fallbacks: 'list the ids of other deployments in the same list to try in order, e.g. ["eu-gpt4o", "bedrock-haiku"]',
};

export const awsRegion = pattern(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/, 'is not an AWS region');
export const gcpProject = pattern(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'is not a Google Cloud project id');
export const gcpLocation = pattern(/^(global|[a-z]+-[a-z]+\d{1,2})$/, 'is not a Google Cloud location');
