/**
 * `javascript`: the file's own code judges the answer, as in promptfoo — an expression (`output.includes('x')`) or a
 * function body with `return`, given `output` (the text, or the tool calls when there is no text) and `context`
 * (`vars`, `toolCalls`, `json`, `metrics`). It returns true/false, a score (passing at `threshold`, else above 0) or
 * `{pass, score?, reason?}`. It is the user's code: it runs only in the CLI and in trusted workspaces.
 */
import { Script, createContext, type Context } from 'node:vm';
import { inputError, textValue, type AssertionKind } from './assertion';

interface Prepared {
  run: Script;
  source: string;
  threshold: number | null;
}

const compiled = new Map<string, Script>();
let sandbox: Context | null = null;
const TIMEOUT_MS = 5000;

function compile(source: string): Script {
  let script = compiled.get(source);
  if (!script) {
    const body = /\b(return|throw)\b/.test(source) || source.trim().includes('\n') ? source : `return (${source.trim().replace(/;$/, '')});`;
    script = new Script(`(function (output, context) {\n${body}\n})(__output, __context)`, { filename: 'javascript assertion' });
    compiled.set(source, script);
  }
  return script;
}

export const javascript: AssertionKind<Prepared> = {
  prepare: (raw, { where, allowJavascript }) => {
    if (!allowJavascript) throw inputError(where, 'type', 'javascript assertions run only in the CLI and in trusted workspaces — trust this workspace (or run fanout eval) to use them');
    const source = textValue(raw, where);
    if (source.startsWith('file://')) throw inputError(where, 'value', 'a javascript file (file://) is not supported — write the code inline');
    try {
      return { run: compile(source), source, threshold: typeof raw.threshold === 'number' ? raw.threshold : null };
    } catch (error) {
      throw inputError(where, 'value', `the code does not compile (${(error as Error).message}) — fix it`);
    }
  },
  check: async ({ run, threshold }, { result, vars }) => {
    sandbox ??= createContext({});
    const output = result.text === '' && result.toolCalls.length ? result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })) : result.text;
    sandbox.__output = output;
    sandbox.__context = { vars, toolCalls: result.toolCalls, json: result.json ?? null, metrics: result.metrics };
    let value: unknown;
    try {
      value = await run.runInContext(sandbox, { timeout: TIMEOUT_MS });
    } catch (error) {
      return { pass: false, reason: `the code threw: ${(error as Error)?.message ?? String(error)}` };
    }
    if (typeof value === 'boolean') return { pass: value, reason: `the code returned ${value}` };
    if (typeof value === 'number') {
      const pass = threshold === null ? value > 0 : value >= threshold;
      return { pass, reason: `the code scored ${value}${threshold === null ? '' : ` (threshold ${threshold})`}` };
    }
    if (value && typeof value === 'object' && typeof (value as { pass?: unknown }).pass === 'boolean') {
      const { pass, reason, score } = value as { pass: boolean; reason?: unknown; score?: unknown };
      return { pass, reason: typeof reason === 'string' && reason ? reason : `the code returned pass: ${pass}${typeof score === 'number' ? `, score ${score}` : ''}` };
    }
    return { pass: false, reason: `the code returned ${JSON.stringify(value) ?? String(value)}, not true/false, a score or {pass, reason}` };
  },
};
