/**
 * The ONE parameter schema: every request parameter a person can set, with its bounds, step, CLI flag and
 * description. The webview protocol, the CLI flags, prompt-file front matter, deployment `params`, the playground
 * inputs and (held by a unit test) the settings schema in package.json all derive their checks from it.
 * A new parameter is one entry here; a `choice` entry (e.g. reasoning effort, tool choice) takes a list of values.
 * Pure and free of the schema library, so the webview imports it; params.ts builds the zod schemas from it.
 */
import { REASONING_EFFORTS, type Reasoning, type ReasoningEffort } from './chatRequest';

interface ParameterBase {
  /** Shown in the playground and in messages: "Temperature". */
  label: string;
  /** One line for settings, --help and tooltips. */
  description: string;
  /** The CLI flag that sets it. */
  flag: `--${string}`;
}
export interface NumberParameter extends ParameterBase {
  type: 'number' | 'integer';
  min: number;
  max: number;
  /** The minimum itself is not allowed (top-p must be above 0). */
  minExclusive?: boolean;
  /** The playground input's step. */
  step: number;
}
export interface ChoiceParameter extends ParameterBase {
  type: 'choice';
  values: readonly string[];
}
export type Parameter = NumberParameter | ChoiceParameter;

export const PARAMETERS = {
  temperature: { type: 'number', label: 'Temperature', flag: '--temperature', min: 0, max: 2, step: 0.1, description: 'Sampling temperature: lower is more deterministic.' },
  maxTokens: { type: 'integer', label: 'Max tokens', flag: '--max-tokens', min: 1, max: 1_000_000, step: 1, description: 'The most tokens the answer may have.' },
  topP: { type: 'number', label: 'Top-p', flag: '--top-p', min: 0, max: 1, minExclusive: true, step: 0.05, description: 'Nucleus sampling: the probability mass to sample from.' },
} as const satisfies Record<string, Parameter>;

export type ParameterName = keyof typeof PARAMETERS;
export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

export type ValueOf<P> = P extends NumberParameter ? number : P extends ChoiceParameter ? P['values'][number] : never;
/** The parameters of one request; an absent one means the model's default. */
export type Params = { [K in ParameterName]?: ValueOf<(typeof PARAMETERS)[K]> };

/** One parameter, as the general type (for code that handles every kind of parameter). */
export const parameterNamed = (name: ParameterName): Parameter => PARAMETERS[name];

/** Run options the playground and CLI take beside the request parameters. */
export const RUN_OPTIONS = {
  repeat: { type: 'integer', label: 'Repeat', flag: '--repeat', min: 1, max: 50, step: 1, description: 'How many times to run each deployment (p50/p95 over the runs).' },
} as const satisfies Record<string, NumberParameter>;

/** "a number from 0 to 2", "a whole number from 1 to 1000000", "a number above 0 up to 1". */
export function describeRange(parameter: NumberParameter): string {
  const kind = parameter.type === 'integer' ? 'a whole number' : 'a number';
  return parameter.minExclusive ? `${kind} above ${parameter.min} up to ${parameter.max}` : `${kind} from ${parameter.min} to ${parameter.max}`;
}

/** What to write instead, for config and front-matter messages: "use a number from 0 to 2". */
export function parameterHint(parameter: Parameter): string {
  return parameter.type === 'choice' ? `use one of ${parameter.values.map((value) => `"${value}"`).join(', ')}` : `use ${describeRange(parameter)}`;
}

/** Only the parameters that are set: drops undefined values, so a request never names a parameter it lacks. */
export function pickParams(source: Partial<Record<ParameterName, unknown>>): Params {
  return Object.fromEntries(PARAMETER_NAMES.filter((name) => source[name] !== undefined).map((name) => [name, source[name]])) as Params;
}

/**
 * Checks one typed field. `raw` is the text typed ('' for empty); `unreadable` is true when the browser could not
 * read it as a number at all (an `<input type=number>` then reports '' with validity.badInput).
 */
export function checkParam(parameter: NumberParameter, raw: string, unreadable = false): { value?: number; problem?: string } {
  const text = raw.trim();
  const range = describeRange(parameter);
  if (unreadable) return { problem: `${parameter.label} is not a number: use ${range}, or leave it empty for the model's default.` };
  if (text === '') return {};
  const value = Number(text);
  if (!Number.isFinite(value)) return { problem: `${parameter.label} "${text.slice(0, 20)}" is not a number: use ${range}.` };
  if (parameter.type === 'integer' && !Number.isInteger(value)) return { problem: `${parameter.label} must be ${range}, not ${text.slice(0, 20)}.` };
  const low = parameter.minExclusive ? value <= parameter.min : value < parameter.min;
  if (low || value > parameter.max) return { problem: `${parameter.label} must be ${range}, not ${text.slice(0, 20)}.` };
  return { value };
}

/**
 * Reasoning: an effort every cloud can take in its own way, or a budget of thinking tokens. Not a sampling parameter
 * (it goes in ChatRequest.reasoning), but one schema like them: the CLI flag, prompt files, the protocol and the
 * playground all read it through `parseReasoning`.
 */
export const REASONING = {
  label: 'Reasoning',
  flag: '--reasoning',
  description: 'How much the model may think first: minimal, low, medium or high, or a budget of thinking tokens.',
  efforts: REASONING_EFFORTS,
  minBudget: 128,
  maxBudget: 128_000,
} as const;

/** "high" → {effort: 'high'}; "8000" → {budgetTokens: 8000}; '' → nothing (the model's default); else the problem, named. */
export function parseReasoning(raw: string | number): { value?: Reasoning; problem?: string } {
  const text = String(raw).trim().toLowerCase();
  if (text === '' || text === 'default') return {};
  if ((REASONING_EFFORTS as readonly string[]).includes(text)) return { value: { effort: text as ReasoningEffort } };
  const budget = Number(text);
  if (/^\d+$/.test(text) && budget >= REASONING.minBudget && budget <= REASONING.maxBudget) return { value: { budgetTokens: budget } };
  return { problem: `${REASONING.label} "${String(raw).slice(0, 20)}" is not valid: use ${REASONING_EFFORTS.join(', ')}, or a whole number of thinking tokens from ${REASONING.minBudget} to ${REASONING.maxBudget}.` };
}
