/** Percentiles over repeated runs (linear interpolation between closest ranks). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Spread {
  p50: number | null;
  p95: number | null;
  n: number;
}

export function spread(values: ReadonlyArray<number | null>): Spread {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return { p50: percentile(present, 50), p95: percentile(present, 95), n: present.length };
}
