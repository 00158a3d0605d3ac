/** How a Bedrock model id finds its price: an inference-profile ARN → its id, the version suffix dropped, the route prefix kept apart. */
import type { PriceKey } from '../descriptor';

/** Cross-region inference profile prefixes. `global.` has its own rate. */
const ROUTE = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

export function bedrockPriceKey(model: string): PriceKey {
  let key = model.trim().toLowerCase();
  key = key.slice(key.lastIndexOf('/') + 1).replace(/-v?\d+:\d+$/, '');
  const match = ROUTE.exec(key);
  return match ? { section: 'bedrock', key: key.slice(match[0].length), route: match[1]! } : { section: 'bedrock', key, route: null };
}
