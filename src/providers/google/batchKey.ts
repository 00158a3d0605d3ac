/**
 * A case key carried through a Vertex AI batch job. Vertex's input lines are `{"request": …}` only, and its output
 * lines echo that request (with `response` or `status`) in any order; a request's `labels` (user metadata, kept in
 * the echo) are what survives. Label values take only lowercase letters, digits, "_" and "-", at most 63 characters,
 * so the key travels hex-encoded, cut into as many `fanout_key_N` labels as it needs.
 */
const PREFIX = 'fanout_key_';
const CHUNK = 62;

export function keyLabels(customId: string): Record<string, string> {
  const hex = Buffer.from(customId, 'utf8').toString('hex');
  const labels: Record<string, string> = {};
  for (let index = 0; index * CHUNK < hex.length || index === 0; index++) labels[`${PREFIX}${index}`] = hex.slice(index * CHUNK, (index + 1) * CHUNK);
  return labels;
}

/** The case key from an output line's echoed labels; null when the line carries none (not a Fanout line). */
export function keyFromLabels(labels: Record<string, unknown> | undefined): string | null {
  if (!labels || typeof labels[`${PREFIX}0`] !== 'string') return null;
  let hex = '';
  for (let index = 0; typeof labels[`${PREFIX}${index}`] === 'string'; index++) hex += labels[`${PREFIX}${index}`] as string;
  return /^([0-9a-f]{2})*$/.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : null;
}
