/**
 * How a Bedrock model id finds its price under genai-prices' `aws` provider: an inference-profile ARN → the profile id
 * it names. The id keeps its route prefix (`us.`, `eu.`, `global.`…) and version: the library tells the routes' rates
 * apart by them (regional and geo profiles at one rate, `global.` at its own where AWS prices it lower).
 */
import type { PriceKey } from '../descriptor';

/** Cross-region inference profile prefixes, named in the cost's note. */
const ROUTE = /^(us|eu|apac|jp|au|ca|in|us-gov|global)\./;

export function bedrockPriceKey(model: string): PriceKey {
  const trimmed = model.trim().toLowerCase();
  const key = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return { provider: 'aws', key, route: ROUTE.exec(key)?.[1] ?? null };
}
