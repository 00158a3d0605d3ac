/**
 * Checks for what a person types into the editor's input boxes (Set API Key, Compare, Add Deployment):
 * each returns undefined when the text is fine, else one sentence saying what to change.
 */
import { parseDeployments } from './deployment';

export function checkApiKeyText(text: string): string | undefined {
  const key = text.trim();
  if (!key) return 'Paste the key';
  if (/\s/.test(key)) return 'A key has no spaces or line breaks';
  if (key.length < 8) return 'That is too short to be a key';
  if (key.length > 4096) return 'That is too long to be a key: paste only the key';
  if (/[^\x21-\x7e]/.test(key)) return 'A key has only plain letters, digits and symbols: check for a stray character';
  return undefined;
}

export function checkPromptText(text: string): string | undefined {
  return text.trim() ? undefined : 'Type a prompt to send';
}

/** One field of a deployment being added, checked by the same rules as settings and the CLI. */
export function checkDeploymentField(base: Record<string, unknown>, field: string, value: string): string | undefined {
  const result = parseDeployments([{ ...base, [field]: value }]);
  if (result.ok) return undefined;
  const issue = result.issues.find((candidate) => candidate.path.endsWith(`.${field}`));
  return issue ? issue.message.replace(/^"[^"]*" /, '') : undefined;
}
