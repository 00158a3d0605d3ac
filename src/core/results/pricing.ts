/**
 * Cost of one answer from its usage, a dated bundled price table (prices.json, source named there)
 * and per-deployment overrides. An unknown model costs null with a reason, never 0.
 */
import type { Deployment } from '../config/deployment';
import { descriptorOf } from '../../providers/registry';
import type { Usage } from '../request/stream';
import table from './prices.json';

export interface Rate {
  input: number;
  output: number;
  cachedInput?: number;
}
interface TableEntry extends Rate {
  tiers?: Array<Rate & { above: number }>;
  global?: TableEntry;
}

export const PRICE_TABLE_DATE: string = table.date;
export const PRICE_TABLE_SOURCE: string = table.source;

export type PriceLookup =
  | { found: true; rate: Rate; tiers: Array<Rate & { above: number }>; source: 'override' | 'table'; route: string | null }
  | { found: false; reason: string };

export interface Cost {
  costUsd: number | null;
  /** Why there is no cost, or which rate was used (override, route). */
  note: string | null;
}

export function lookupPrice(deployment: Deployment): PriceLookup {
  if (deployment.pricing) {
    const { inputPerMTok, outputPerMTok, cachedInputPerMTok } = deployment.pricing;
    return { found: true, source: 'override', route: null, tiers: [],
      rate: { input: inputPerMTok, output: outputPerMTok, ...(cachedInputPerMTok !== undefined ? { cachedInput: cachedInputPerMTok } : {}) } };
  }
  // the descriptor says where its models are priced: a section of the table, the key there, and the route
  const price = descriptorOf(deployment.provider).price(deployment);
  if (price.section === null) return { found: false, reason: price.reason };
  const noPrice = `no price for "${deployment.model}" in the bundled table (${PRICE_TABLE_DATE}) — add "pricing": { "inputPerMTok": …, "outputPerMTok": … } to deployment "${deployment.id}"`;
  const entries = (table as unknown as Record<string, Record<string, TableEntry> | undefined>)[price.section] ?? {};
  const { key, route } = price;
  let entry = entries[key] ?? entries[key.replace(/-\d{4}-\d{2}-\d{2}$/, '')] ?? entries[key.replace(/-\d{3}$/, '')];
  if (!entry) return { found: false, reason: noPrice };
  let routeNote: string | null = null;
  if (route === 'global' && entry.global) {
    entry = entry.global;
    routeNote = 'global cross-region rate';
  } else if (route) {
    routeNote = route === 'global' ? 'global cross-region rate' : `${route}. cross-region rate`;
  }
  return { found: true, source: 'table', route: routeNote, rate: entry, tiers: entry.tiers ?? [] };
}

export function costOf(deployment: Deployment, usage: Usage | null): Cost {
  const price = lookupPrice(deployment);
  if (!price.found) return { costUsd: null, note: price.reason };
  if (!usage) return { costUsd: null, note: 'the service reported no token usage' };
  const rate = [...price.tiers].reverse().find((tier) => usage.inputTokens > tier.above) ?? price.rate;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedRate = rate.cachedInput ?? rate.input;
  const costUsd = ((usage.inputTokens - cached) * rate.input + cached * cachedRate + usage.outputTokens * rate.output) / 1_000_000;
  const notes = [price.source === 'override' ? 'price from the deployment\'s "pricing"' : null, price.route].filter(Boolean);
  return { costUsd, note: notes.length ? notes.join('; ') : null };
}
