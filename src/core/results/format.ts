/** How times and costs read, in the CLI, reports and the playground alike. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  // a non-breaking space keeps the number and its unit together in narrow table cells
  return ms < 1000 ? `${Math.round(ms)}\u00a0ms` : `${(ms / 1000).toFixed(2)}\u00a0s`;
}

export function formatCost(usd: number | null): string {
  if (usd === null) return '—';
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toPrecision(2)}`;
}
