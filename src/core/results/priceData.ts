/**
 * The price data and price function of @pydantic/genai-prices (MIT), in a lazily loaded chunk of its own: starting
 * the CLI or activating the extension never loads it; `loadPrices()` (pricing.ts) does, once, before the first answer
 * is priced. In the build this chunk holds only the providers Fanout's clouds are priced under (see esbuild.mjs,
 * PRICED_PROVIDERS); under the unit tests it is the whole library, and a test holds the two to the same prices.
 */
export { calcPrice, findProvider } from '@pydantic/genai-prices';
