/**
 * Removes secrets from text before it is logged or shown: every secret the process knows of, and anything
 * shaped like a key, token or Authorization header value.
 */
const PATTERNS: RegExp[] = [
  // header names as text (`Authorization: Bearer …`) or as JSON keys (`"authorization":"Bearer …"`)
  /(authorization"?\s*[:=]\s*"?(?:bearer\s+)?)[^\s",}]+/gi,
  /((?:api-key|x-api-key|x-goog-api-key|x-amz-security-token)"?\s*[:=]\s*"?)[^\s",}]+/gi,
  /([?&](?:key|api_key|access_token)=)[^&\s"]+/gi,
  /(Signature=)[0-9a-f]{16,}/g,
  /()\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}/g,
  /()\bABSK[A-Za-z0-9+/=]{16,}/g,
  /()\bAIza[0-9A-Za-z_-]{30,}/g,
  /()\bya29\.[0-9A-Za-z._-]{16,}/g,
  /()\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

export class Redactor {
  private readonly known = new Set<string>();

  /** Remembers a secret so any later text containing it is masked. Short values are ignored (they would mask ordinary words). */
  remember(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.known.add(secret);
  }

  forget(secret: string | undefined): void {
    if (secret) this.known.delete(secret);
  }

  redact(text: string): string {
    let clean = text;
    for (const secret of this.known) clean = clean.split(secret).join('[redacted]');
    for (const pattern of PATTERNS) clean = clean.replace(pattern, '$1[redacted]');
    return clean;
  }
}
