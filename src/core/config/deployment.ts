/**
 * Deployment config: the type, and parsing that names every mistake with its field and a fix.
 * Used by the settings (`fanout.deployments`), workspace files (`.vscode/fanout.json`) and the CLI.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type * as z from 'zod/mini';
import { DESCRIPTORS, PROVIDER_KINDS, providerLabel, type Deployment, type ProviderKind } from '../../providers/registry';
import { closest } from './closest';
import { COMMON_FIELD_HINTS, pricingSchema } from './fields';
import { PARAMETERS, parameterHint } from '../request/params';

export { deploymentOrigin, deploymentRegion, providerLabel, type Deployment, type DeploymentOf, type ProviderKind } from '../../providers/registry';
export const PROVIDERS = PROVIDER_KINDS;

/** What to write, shown after the problem: the common fields', each parameter's and each provider's own. */
const FIELD_HINT: Record<string, string> = {
  ...COMMON_FIELD_HINTS,
  provider: `use one of ${PROVIDER_KINDS.map((p) => `"${p}"`).join(', ')}`,
  params: `e.g. { "temperature": 0.2, "maxTokens": 512 } — known: ${Object.keys(PARAMETERS).join(', ')}`,
  ...Object.fromEntries(Object.entries(PARAMETERS).map(([name, parameter]) => [name, parameterHint(parameter)])),
};
const hintFor = (kind: ProviderKind, field: string): string | undefined => DESCRIPTORS[kind].fieldHints[field] ?? FIELD_HINT[field];

const schemaOf = (kind: ProviderKind): z.ZodMiniObject => DESCRIPTORS[kind].schema as unknown as z.ZodMiniObject;
const ALL_FIELDS = [...new Set(PROVIDER_KINDS.flatMap((kind) => Object.keys(schemaOf(kind).shape)))];

export interface ConfigIssue {
  /** Where, e.g. `deployments[2].region`. */
  path: string;
  /** What is wrong and how to fix it, in one line. */
  message: string;
}

export type ParseResult =
  | { ok: true; deployments: Deployment[] }
  | { ok: false; issues: ConfigIssue[]; deployments: Deployment[] };

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/**
 * Validates a list of deployment entries. The valid entries are returned even when others are wrong,
 * so one typo never hides every deployment.
 */
export function parseDeployments(entries: unknown, where = 'deployments'): ParseResult {
  if (!Array.isArray(entries)) {
    return { ok: false, deployments: [], issues: [{ path: where, message: 'must be a list of deployments: [ { "id": …, "provider": …, "model": … } ]' }] };
  }
  const issues: ConfigIssue[] = [];
  const deployments: Deployment[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const label = `${where}[${index}]${typeof entry?.id === 'string' && entry.id ? ` ("${entry.id}")` : ''}`;
    const result = parseDeployment(entry, label);
    if (!result.ok) {
      issues.push(...result.issues);
      return;
    }
    const first = seen.get(result.deployment.id);
    if (first !== undefined) {
      issues.push({ path: `${label}.id`, message: `duplicate id "${result.deployment.id}" (also ${where}[${first}]) — every deployment needs its own id` });
      return;
    }
    seen.set(result.deployment.id, index);
    deployments.push(result.deployment);
  });
  issues.push(...checkFallbacks(deployments, where));
  return issues.length ? { ok: false, issues, deployments } : { ok: true, deployments };
}

/**
 * Each fallback must name another deployment of the same list, once: an unknown id is a config error. The
 * deployment stays usable (one typo never hides it), with the ids that cannot be used taken out of its chain.
 */
function checkFallbacks(deployments: Deployment[], where: string): ConfigIssue[] {
  const ids = deployments.map((deployment) => deployment.id);
  const issues: ConfigIssue[] = [];
  for (const deployment of deployments) {
    if (!deployment.fallbacks) continue;
    const kept: string[] = [];
    deployment.fallbacks.forEach((id, index) => {
      const path = `${where} ("${deployment.id}").fallbacks[${index}]`;
      if (id === deployment.id) issues.push({ path, message: `"${id}" is this deployment itself — name other deployments to try when it fails` });
      else if (kept.includes(id)) issues.push({ path, message: `"${id}" is named twice — name each fallback once` });
      else if (!ids.includes(id)) {
        const guess = closest(id, ids);
        issues.push({ path, message: `unknown deployment "${id}"${guess ? ` — did you mean "${guess}"?` : ''} — a fallback names another deployment of the same list (known: ${ids.join(', ')})` });
      } else kept.push(id);
    });
    deployment.fallbacks = kept;
  }
  return issues;
}

function parseDeployment(entry: unknown, label: string): { ok: true; deployment: Deployment } | { ok: false; issues: ConfigIssue[] } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { ok: false, issues: [{ path: label, message: 'must be an object such as { "id": "my-gpt", "provider": "openai", "model": "gpt-4o-mini" }' }] };
  }
  const provider = (entry as Record<string, unknown>).provider;
  if (provider === undefined) return fail(label, 'provider', `missing — ${FIELD_HINT.provider}`);
  if (typeof provider !== 'string' || !(PROVIDER_KINDS as readonly string[]).includes(provider)) {
    const guess = typeof provider === 'string' ? closest(provider, PROVIDER_KINDS) : undefined;
    return fail(label, 'provider', `unknown provider ${JSON.stringify(provider)}${guess ? ` — did you mean "${guess}"?` : ''} — ${FIELD_HINT.provider}`);
  }
  const kind = provider as ProviderKind;
  const result = schemaOf(kind).safeParse(entry);
  if (result.success) return { ok: true, deployment: result.data as Deployment };
  // a misspelt field explains the "missing" one beside it, so it is told first
  const issues = result.error.issues
    .flatMap((issue) => describeIssue(issue, kind, label, entry as Record<string, unknown>))
    .sort((a, b) => Number(b.message.startsWith('unknown field')) - Number(a.message.startsWith('unknown field')));
  return { ok: false, issues };
}

function fail(label: string, field: string, message: string): { ok: false; issues: ConfigIssue[] } {
  return { ok: false, issues: [{ path: `${label}.${field}`, message }] };
}

function describeIssue(issue: z.core.$ZodIssue, kind: ProviderKind, label: string, entry: Record<string, unknown>): ConfigIssue[] {
  const at = issue.path.map(String);
  const path = [label, ...at].join('.');
  const field = at[at.length - 1] ?? '';
  if (issue.code === 'unrecognized_keys') {
    const validHere = Object.keys(schemaOf(kind).shape);
    return issue.keys.map((key) => {
      const keyPath = [label, ...at, key].join('.');
      if (at.length === 0 && ALL_FIELDS.includes(key)) {
        return { path: keyPath, message: `"${key}" is not used by provider "${kind}" (${providerLabel(kind)}) — remove it, or check the provider` };
      }
      const known = at.length === 0 ? validHere : nestedFields(at[0]);
      const guess = closest(key, known);
      return { path: keyPath, message: `unknown field "${key}"${guess ? ` — did you mean "${guess}"?` : ` — known fields: ${known.join(', ')}`}` };
    });
  }
  const value = at.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], entry);
  const hint = hintFor(kind, field);
  if (value === undefined) {
    return [{ path, message: `missing — ${providerLabel(kind)} needs it: ${hint ?? 'add it'}` }];
  }
  const problem = issue.code === 'invalid_type' ? `must be ${describeExpected(issue.expected)}` : issue.message;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : JSON.stringify(value);
  return [{ path, message: `${shown} ${problem}${hint ? ` — ${hint}` : ''}` }];
}

const EXPECTED: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text in quotes', object: 'an object', array: 'a list', boolean: 'true or false' };

/** "a whole number", "a list"…: what a value of the expected type is called, for messages. */
export const describeExpected = (expected: string): string => EXPECTED[expected] ?? `a ${expected}`;

function nestedFields(parent: string | undefined): string[] {
  if (parent === 'pricing') return Object.keys(pricingSchema.shape);
  if (parent === 'params') return Object.keys(PARAMETERS);
  return [];
}

/** Parses a config file's text (`{ "deployments": [ … ] }`, comments allowed) naming the file in every issue. */
export function parseConfigText(text: string, file: string): ParseResult {
  const errors: ParseError[] = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0]!;
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    return { ok: false, deployments: [], issues: [{ path: file, message: `not valid JSON at line ${line}, column ${column} (${printParseErrorCode(first.error)}) — fix the syntax there` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('deployments' in data)) {
    return { ok: false, deployments: [], issues: [{ path: file, message: 'must be an object with a "deployments" list: { "deployments": [ … ] }' }] };
  }
  return parseDeployments((data as { deployments: unknown }).deployments, `${file}: deployments`);
}
