/**
 * The sampling parameters a person types in the playground: each checked with the same bounds the CLI and
 * the webview protocol use, so a wrong value is named and explained instead of silently clamped.
 */
export interface ParamRule {
  label: string;
  min: number;
  max: number;
  /** The minimum itself is not allowed (top-p must be above 0). */
  minExclusive?: boolean;
  integer?: boolean;
}

export const PARAM_RULES = {
  temperature: { label: 'Temperature', min: 0, max: 2 },
  maxTokens: { label: 'Max tokens', min: 1, max: 1_000_000, integer: true },
  topP: { label: 'Top-p', min: 0, max: 1, minExclusive: true },
  repeat: { label: 'Repeat', min: 1, max: 50, integer: true },
} satisfies Record<string, ParamRule>;

function range(rule: ParamRule): string {
  return `${rule.integer ? 'a whole number' : 'a number'} ${rule.minExclusive ? `above ${rule.min}` : `from ${rule.min}`} ${rule.minExclusive ? 'up to' : 'to'} ${rule.max}`;
}

/**
 * Checks one field. `raw` is the text typed ('' for empty); `unreadable` is true when the browser could not
 * read it as a number at all (an `<input type=number>` then reports '' with validity.badInput).
 */
export function checkParam(rule: ParamRule, raw: string, unreadable = false): { value?: number; problem?: string } {
  const text = raw.trim();
  if (unreadable) return { problem: `${rule.label} is not a number: use ${range(rule)}, or leave it empty for the model's default.` };
  if (text === '') return {};
  const value = Number(text);
  if (!Number.isFinite(value)) return { problem: `${rule.label} "${text.slice(0, 20)}" is not a number: use ${range(rule)}.` };
  if (rule.integer && !Number.isInteger(value)) return { problem: `${rule.label} must be ${range(rule)}, not ${text.slice(0, 20)}.` };
  const low = rule.minExclusive ? value <= rule.min : value < rule.min;
  if (low || value > rule.max) return { problem: `${rule.label} must be ${range(rule)}, not ${text.slice(0, 20)}.` };
  return { value };
}
