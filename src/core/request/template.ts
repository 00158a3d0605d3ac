/** `{{variables}}` in prompts: which ones a text uses, and the text with their values filled in. */
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

export function variablesIn(...texts: string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(VARIABLE)) names.add(match[1]!);
  return [...names];
}

/** Fills each `{{name}}` with its value; a variable with no value is left as written, so it shows. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(VARIABLE, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name]! : whole));
}
