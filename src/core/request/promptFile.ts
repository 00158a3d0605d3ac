/**
 * Prompt files (`*.prompt.md`): optional YAML front matter naming deployments, parameters, a system prompt and
 * variables, then the prompt. Every mistake is named with its field; nothing here throws at the user.
 */
import * as z from 'zod/mini';
import { closest } from '../config/closest';
import { describeExpected } from '../config/deployment';
import { PARAMETERS, PARAMETER_NAMES, paramsShape, parameterHint, pickParams, type Params } from './params';

const schema = z.strictObject({
  deployments: z.optional(z.array(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'is not a deployment id')))),
  system: z.optional(z.string()),
  ...paramsShape,
  variables: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'is not a variable name')), z.union([z.string(), z.number(), z.boolean()]))),
});

export interface PromptFile {
  prompt: string;
  system: string;
  deployments: string[] | null;
  params: Params;
  variables: Record<string, string>;
  /** The line the prompt body starts on (after the front matter), for lenses and messages. */
  bodyLine: number;
}

export type PromptFileResult = { ok: true; file: PromptFile } | { ok: false; problem: string };

const FIELDS = ['deployments', 'system', ...PARAMETER_NAMES, 'variables'];

/** Parses a prompt file; the YAML parser is loaded on first use, so nothing pays for it at start-up. */
export async function parsePromptFile(text: string): Promise<PromptFileResult> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  const body = match ? text.slice(match[0].length) : text;
  const bodyLine = match ? match[0].split('\n').length - 1 : 0;
  let data: unknown = {};
  if (match) {
    try {
      const { parse } = await import('yaml');
      data = parse(match[1]!) ?? {};
    } catch (error) {
      const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      return { ok: false, problem: `front matter is not valid YAML${line ? ` (line ${line + 1})` : ''} — check its indentation and colons` };
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problem: 'front matter must be "key: value" lines, e.g. "temperature: 0.2"' };
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const guess = closest(key, FIELDS);
      return { ok: false, problem: `front matter: unknown field "${key}"${guess ? ` — did you mean "${guess}"?` : ` — known: ${FIELDS.join(', ')}`}` };
    }
    const field = issue.path.map(String).join('.');
    const message = issue.code === 'invalid_type' ? `must be ${describeExpected(issue.expected)}` : issue.message;
    const parameter = PARAMETERS[field as keyof typeof PARAMETERS];
    return { ok: false, problem: `front matter: ${field} ${message}${parameter ? ` — ${parameterHint(parameter)}` : ''}` };
  }
  const value = parsed.data;
  if (!body.trim()) return { ok: false, problem: 'the prompt is empty: write it below the front matter' };
  return {
    ok: true,
    file: {
      prompt: body.trim(),
      system: value.system ?? '',
      deployments: value.deployments ?? null,
      params: pickParams(value),
      variables: Object.fromEntries(Object.entries(value.variables ?? {}).map(([name, v]) => [name, String(v)])),
      bodyLine,
    },
  };
}
