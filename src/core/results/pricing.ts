/**
 * Cost of one answer from its usage: the deployment's own "pricing" when it has one, else @pydantic/genai-prices
 * (its bundled data and its calcPrice: tiers, cache reads and writes, Bedrock's regional and `global.` routes, Azure
 * by the base model). An unknown model costs null with a reason, never 0.
 *
 * The library's data sits in a lazily loaded chunk (priceData.ts): `await loadPrices()` once before the first answer
 * is priced (the engine, the eval estimate and the switcher do); after that `lookupPrice` and `costOf` are synchronous.
 */
import type { PriceCalculation, Usage as LibraryUsage, ModelPrice } from '@pydantic/genai-prices';
import type { Deployment } from '../config/deployment';
import { descriptorOf } from '../../providers/registry';
import type { Usage } from '../request/stream';

/** The library's version bundled, and the day it was published (`npm view @pydantic/genai-prices time`): the data's date. */
export const PRICE_DATA_VERSION = '0.1.8';
export const PRICE_TABLE_DATE = '2026-09-23';
export const PRICE_TABLE_SOURCE = `@pydantic/genai-prices ${PRICE_DATA_VERSION} (MIT); USD per 1M tokens`;
/** Said wherever a cost is shown. */
export const PRICES_AS_OF = `prices as of ${PRICE_TABLE_DATE} (@pydantic/genai-prices ${PRICE_DATA_VERSION})`;

/** USD per 1M tokens. */
export interface Rate {
  input: number;
  output: number;
  cachedInput?: number;
  /** Writing to the prompt cache (Bedrock, Anthropic models), priced above input. */
  cacheWrite?: number;
}

export type PriceLookup =
  | { found: true; rate: Rate; tiers: Array<Rate & { above: number }>; source: 'override' | 'table'; route: string | null;
      /** The library's provider and model the price came from (null for an override). */
      priced: { provider: string; model: string } | null }
  | { found: false; reason: string };

export interface Cost {
  costUsd: number | null;
  /** Why there is no cost, or which rate was used (override, route, the provider it fell back to). */
  note: string | null;
}

type PriceData = typeof import('./priceData');
let data: PriceData | null = null;
let loading: Promise<void> | null = null;

/** Loads the price data once (a lazily loaded chunk); every later call returns the same promise. */
export function loadPrices(): Promise<void> {
  loading ??= import('./priceData').then((module) => {
    data = module;
  });
  return loading;
}

function prices(): PriceData {
  if (!data) throw new Error('prices are not loaded yet: await loadPrices() before pricing an answer');
  return data;
}

/** The rate of a deployment, for showing it (the switcher); `costOf` prices an answer. */
export function lookupPrice(deployment: Deployment, at: Date = new Date()): PriceLookup {
  const override = overrideRate(deployment);
  if (override) return { found: true, source: 'override', route: null, tiers: [], rate: override, priced: null };
  const key = libraryKey(deployment);
  if ('reason' in key) return { found: false, reason: key.reason };
  const calculation = calculate(key, { input_tokens: 0, output_tokens: 0 }, at);
  if (!calculation) return { found: false, reason: noPrice(deployment) };
  return { found: true, source: 'table', route: routeNote(key.route), ...ratesOf(calculation.model_price),
    priced: { provider: calculation.provider.id, model: calculation.model.id } };
}

/**
 * What an answer cost: `usage.inputTokens` includes cached reads and writes (the contract's Usage), each priced at
 * its own rate; `at` picks the price in force then (the library dates some prices). Never throws.
 */
export function costOf(deployment: Deployment, usage: Usage | null, at: Date = new Date()): Cost {
  const override = overrideRate(deployment);
  const key = override ? null : libraryKey(deployment);
  if (key && 'reason' in key) return { costUsd: null, note: key.reason };
  if (!usage) return { costUsd: null, note: 'the service reported no token usage' };
  if (override) {
    const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
    const costUsd = ((usage.inputTokens - cached) * override.input + cached * (override.cachedInput ?? override.input) + usage.outputTokens * override.output) / 1_000_000;
    return { costUsd, note: 'price from the deployment\'s "pricing"' };
  }
  let calculation: PriceCalculation | null;
  try {
    calculation = calculate(key!, libraryUsage(usage), at);
  } catch (error) {
    return { costUsd: null, note: `the usage could not be priced: ${(error as Error).message}` };
  }
  if (!calculation) return { costUsd: null, note: noPrice(deployment) };
  const notes = [
    routeNote(key!.route),
    fallbackNote(key!.provider, calculation),
    calculation.model_price.input_mtok === undefined && calculation.model_price.output_mtok === undefined
      ? `genai-prices lists no per-token price for ${calculation.model.id} (free, or billed in other units)` : null,
  ].filter((note) => note !== null);
  return { costUsd: calculation.total_price, note: notes.length ? notes.join('; ') : null };
}

/** Fanout's usage in the library's terms: both count cached reads and writes inside the input. */
export function libraryUsage(usage: Usage): LibraryUsage {
  const input = Math.max(0, usage.inputTokens);
  const cacheRead = Math.min(Math.max(0, usage.cachedInputTokens ?? 0), input);
  const cacheWrite = Math.min(Math.max(0, usage.cacheWriteTokens ?? 0), input - cacheRead);
  return {
    input_tokens: input,
    output_tokens: Math.max(0, usage.outputTokens),
    ...(cacheRead ? { cache_read_tokens: cacheRead } : {}),
    ...(cacheWrite ? { cache_write_tokens: cacheWrite } : {}),
  };
}

interface LibraryKey { provider: string; key: string; route: string | null }

function libraryKey(deployment: Deployment): LibraryKey | { reason: string } {
  const price = descriptorOf(deployment.provider).price(deployment);
  return price.provider === null ? { reason: price.reason } : price;
}

function calculate(key: LibraryKey, usage: LibraryUsage, at: Date): PriceCalculation | null {
  return prices().calcPrice(usage, key.key, { providerId: key.provider, timestamp: at });
}

/** A model the provider does not list itself but prices as another provider's (Azure → OpenAI): which one. */
function fallbackNote(providerId: string, calculation: PriceCalculation): string | null {
  const { findProvider } = prices();
  if (findProvider({ providerId })?.models.includes(calculation.model)) return null;
  for (const fallback of calculation.provider.fallback_model_providers ?? []) {
    const provider = findProvider({ providerId: fallback });
    if (provider?.models.includes(calculation.model)) return `priced as ${provider.name}'s ${calculation.model.id}`;
  }
  return null;
}

function overrideRate(deployment: Deployment): Rate | null {
  if (!deployment.pricing) return null;
  const { inputPerMTok, outputPerMTok, cachedInputPerMTok } = deployment.pricing;
  return { input: inputPerMTok, output: outputPerMTok, ...(cachedInputPerMTok !== undefined ? { cachedInput: cachedInputPerMTok } : {}) };
}

function noPrice(deployment: Deployment): string {
  return `no price for "${deployment.model}" in the bundled prices (genai-prices ${PRICE_DATA_VERSION}, ${PRICE_TABLE_DATE}) — add "pricing": { "inputPerMTok": …, "outputPerMTok": … } to deployment "${deployment.id}"`;
}

function routeNote(route: string | null): string | null {
  if (!route) return null;
  return route === 'global' ? 'global cross-region rate' : `${route}. cross-region rate`;
}

/** The base rate and the long-prompt tiers (the library prices a tier once the prompt is above its start). */
function ratesOf(price: ModelPrice): { rate: Rate; tiers: Array<Rate & { above: number }> } {
  const at = (key: string, tokens: number): number | undefined => {
    const value = price[key];
    if (value === undefined || typeof value === 'number') return value;
    return [...value.tiers].sort((a, b) => a.start - b.start).filter((tier) => tokens > tier.start).reduce((rate, tier) => tier.price, value.base);
  };
  const rateAt = (tokens: number): Rate => {
    const cachedInput = at('cache_read_mtok', tokens);
    const cacheWrite = at('cache_write_mtok', tokens);
    return { input: at('input_mtok', tokens) ?? 0, output: at('output_mtok', tokens) ?? 0,
      ...(cachedInput !== undefined ? { cachedInput } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) };
  };
  const starts = new Set<number>();
  for (const value of Object.values(price)) if (value !== undefined && typeof value !== 'number') for (const tier of value.tiers) starts.add(tier.start);
  return { rate: rateAt(0), tiers: [...starts].sort((a, b) => a - b).map((start) => ({ above: start, ...rateAt(start + 1) })) };
}
