/**
 * Reads a tests file in promptfoo's `tests:` shape (YAML or JSON) into an EvaluationSuite: prompts, tests (inline, or
 * rows of a CSV/JSONL dataset), every assertion checked and prepared. Every mistake is one EvaluationInputError naming
 * the test and field (`tests[3].assert[0].type: …`), raised before anything is sent.
 */
import { basename, dirname, resolve } from 'node:path';
import type { ToolDefinition } from '../request/chatRequest';
import { checkTools, jsonPath, parseToolChoice, schemaNameOf } from '../request/chatRequestSchema';
import { fill, variablesIn } from '../request/template';
import type { PreparedAssertion, RawAssertion } from './assertions/assertion';
import { prepareAssertion } from './assertions/assertionTypes';
import { loadDataset, readBounded, type RawTest } from './dataset';
import { promptVariables, readPrompts } from './promptTemplates';
import { EvaluationInputError, type DeploymentLimits, type EvaluationSuite, type EvaluationTest } from './suite';

export interface TestsFileOptions {
  /** The `javascript` assertion runs only where the user's own code may (the CLI, a trusted workspace). */
  allowJavascript: boolean;
}

const KNOWN_FIELDS = new Set(['description', 'prompts', 'prompt', 'messages', 'system', 'tools', 'toolChoice', 'schema', 'defaultTest', 'tests', 'grader', 'limits', 'evaluateOptions']);
/** promptfoo fields that change which cases run or what is sent: named, never ignored. */
const REFUSED_FIELDS: Record<string, string> = {
  scenarios: 'scenarios are not supported — write the combinations as tests',
  nunjucksFilters: 'nunjucks filters are not supported — only {{name}} is filled in',
  redteam: 'red-teaming is not supported',
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export async function readTestsFile(file: string, options: TestsFileOptions): Promise<EvaluationSuite> {
  return parseTestsFile(await readBounded(file, '--tests'), file, options);
}

export async function parseTestsFile(text: string, file: string, options: TestsFileOptions): Promise<EvaluationSuite> {
  const { parse } = await import('yaml');
  let root: unknown;
  try {
    root = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new EvaluationInputError(`not valid YAML or JSON — ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  if (!isObject(root)) throw new EvaluationInputError('must be a mapping with prompts and tests — write prompts: […] and tests: […]');
  for (const [field, reason] of Object.entries(REFUSED_FIELDS)) if (field in root) throw new EvaluationInputError(`${field}: ${reason}`);
  const notes = Object.keys(root).filter((field) => !KNOWN_FIELDS.has(field)).map((field) => field === 'providers'
    ? 'providers: not used — the deployments come from --config'
    : `${field}: not used by Fanout`);

  const prompts = await readPrompts(root, file);
  const tools = readTools(root.tools);
  const toolChoice = readToolChoice(root.toolChoice, tools);
  const responseFormat = await readSchema(root.schema, dirname(file));
  const grader = readGrader(root.grader, 'grader');
  const suite: EvaluationSuite = {
    prompts,
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    tests: [],
    grader,
    graders: [],
    limits: readLimits(root.limits),
    ...readConcurrency(root.evaluateOptions),
    notes,
  };
  const defaults = readDefaultTest(root.defaultTest);
  const rawTests = await expandTests(root.tests, dirname(file));
  const used = new Map(prompts.map((prompt) => [prompt, promptVariables(prompt)]));
  const graders = new Set<string>();
  const prepareContext = (where: string) => ({ where, responseFormat, allowJavascript: options.allowJavascript, defaultGrader: grader });
  const defaultAssertions = defaults.assert.map((raw, index) => ({ raw, where: `defaultTest.assert[${index}]` }));
  for (const [index, raw] of rawTests.entries()) {
    const where = `tests[${index}]`;
    if (!isObject(raw)) throw new EvaluationInputError(`${where}: must be a mapping — write - vars: {…} assert: […]`);
    checkTestFields(raw, where);
    const vars = { ...defaults.vars, ...readVars(raw.vars, `${where}.vars`) };
    for (const [prompt, names] of used) {
      const missing = names.filter((name) => !Object.prototype.hasOwnProperty.call(vars, name));
      if (missing.length) throw new EvaluationInputError(`${where}.vars: missing ${missing.map((name) => `"${name}"`).join(', ')}, which ${prompt.label} uses — add ${missing.length > 1 ? 'them' : 'it'} to this test's vars (or to defaultTest.vars)`);
    }
    const own = readAssertList(raw.assert, `${where}.assert`).map((assertion, position) => ({ raw: assertion, where: `${where}.assert[${position}]` }));
    const assert: PreparedAssertion[] = [];
    for (const entry of [...defaultAssertions, ...own]) {
      const rendered = renderAssertion(entry.raw, vars, entry.where);
      if (rendered.type.replace(/^not-/, '') === 'llm-rubric') graders.add(rendered.grader ?? grader ?? '');
      assert.push(await prepareAssertion(rendered, prepareContext(entry.where)));
    }
    const test: EvaluationTest = { where, label: typeof raw.description === 'string' && raw.description ? raw.description : where, vars, assert };
    suite.tests.push(test);
  }
  if (!suite.tests.length) throw new EvaluationInputError('tests: empty — add at least one test: tests: [{ vars: {…}, assert: […] }]');
  suite.graders = [...graders].filter(Boolean);
  return suite;
}

function readTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined) return undefined;
  // promptfoo keeps OpenAI's shape, {type: function, function: {name, description, parameters}}: read both
  const list = Array.isArray(value) ? value.map((tool) => (isObject(tool) && tool.type === 'function' && isObject(tool.function) ? tool.function : tool)) : value;
  const checked = checkTools(list);
  if (!checked.ok) throw new EvaluationInputError(`tools${jsonPath(checked.issues[0]!.path, '')}: ${checked.issues[0]!.message}`);
  return checked.value;
}

function readToolChoice(value: unknown, tools: ToolDefinition[] | undefined) {
  if (value === undefined) return undefined;
  if (!tools) throw new EvaluationInputError('toolChoice: needs tools — list the tools the model may choose from');
  const choice = parseToolChoice(String(value), tools);
  if (!choice.ok) throw new EvaluationInputError(`toolChoice: ${choice.problem}`);
  return choice.value;
}

async function readSchema(value: unknown, baseDir: string) {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const path = resolve(baseDir, value.replace(/^file:\/\//, ''));
    let schema: unknown;
    try {
      schema = JSON.parse(await readBounded(path, 'schema', 5 * 1024 * 1024));
    } catch (error) {
      if (error instanceof EvaluationInputError) throw error;
      throw new EvaluationInputError(`schema: ${basename(path)} is not JSON (${(error as Error).message}) — fix the file`);
    }
    if (!isObject(schema)) throw new EvaluationInputError(`schema: ${basename(path)} must hold a JSON Schema object`);
    return { name: schemaNameOf(path), schema };
  }
  if (!isObject(value)) throw new EvaluationInputError('schema: must be a JSON Schema object or a file — write schema: answer.schema.json');
  return { name: 'answer', schema: value };
}

function readGrader(value: unknown, where: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !value.trim()) throw new EvaluationInputError(`${where}: must be a deployment id from --config — write grader: my-gpt4o`);
  return value;
}

function positiveInteger(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new EvaluationInputError(`${where}: ${JSON.stringify(value)} is not valid — use a whole number above 0`);
  return value;
}

function readLimits(value: unknown): Record<string, Partial<DeploymentLimits>> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new EvaluationInputError('limits: must map deployment ids (or "*") to { concurrency, requestsPerMinute, tokensPerMinute }');
  return Object.fromEntries(Object.entries(value).map(([id, entry]) => {
    if (!isObject(entry)) throw new EvaluationInputError(`limits.${id}: must be { concurrency, requestsPerMinute, tokensPerMinute }`);
    const unknown = Object.keys(entry).find((key) => !['concurrency', 'requestsPerMinute', 'tokensPerMinute'].includes(key));
    if (unknown) throw new EvaluationInputError(`limits.${id}.${unknown}: unknown — use concurrency, requestsPerMinute or tokensPerMinute`);
    const limits: Partial<DeploymentLimits> = {};
    for (const key of ['concurrency', 'requestsPerMinute', 'tokensPerMinute'] as const) {
      const number = positiveInteger(entry[key], `limits.${id}.${key}`);
      if (number !== undefined) limits[key] = number;
    }
    return [id, limits];
  }));
}

function readConcurrency(value: unknown): { concurrency?: number } {
  if (!isObject(value) || value.maxConcurrency === undefined) return {};
  return { concurrency: positiveInteger(value.maxConcurrency, 'evaluateOptions.maxConcurrency')! };
}

function readVars(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new EvaluationInputError(`${where}: must be a mapping of names to values — write vars: { city: Paris }`);
  const vars: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (Array.isArray(raw)) throw new EvaluationInputError(`${where}.${name}: a list of values (promptfoo runs one test per value) is not supported — write one test per value`);
    if (typeof raw === 'string' && raw.startsWith('file://')) throw new EvaluationInputError(`${where}.${name}: a var read from a file (file://) is not supported — put the text in the test`);
    vars[name] = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  }
  return vars;
}

function readDefaultTest(value: unknown): { vars: Record<string, string>; assert: RawAssertion[] } {
  if (value === undefined) return { vars: {}, assert: [] };
  if (!isObject(value)) throw new EvaluationInputError('defaultTest: must be a mapping — write defaultTest: { vars: {…}, assert: […] }');
  checkTestFields(value, 'defaultTest');
  return { vars: readVars(value.vars, 'defaultTest.vars'), assert: readAssertList(value.assert, 'defaultTest.assert') };
}

/** Test fields that would change the verdict and that Fanout does not honour are named, never ignored. */
function checkTestFields(test: Record<string, unknown>, where: string): void {
  if (test.threshold !== undefined) throw new EvaluationInputError(`${where}.threshold: a weighted score threshold is not supported — a test passes when every assertion holds`);
  if (isObject(test.options) && test.options.transform !== undefined) throw new EvaluationInputError(`${where}.options.transform: transforming the output is not supported — assert on the answer as it is`);
}

function readAssertList(value: unknown, where: string): RawAssertion[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EvaluationInputError(`${where}: must be a list — write assert: [{ type: contains, value: … }]`);
  return value.map((entry, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(entry)) throw new EvaluationInputError(`${at}: must be a mapping — write { type: contains, value: … }`);
    if (typeof entry.type !== 'string' || !entry.type) throw new EvaluationInputError(`${at}.type: missing — write type: contains (or another assertion type)`);
    if (entry.transform !== undefined) throw new EvaluationInputError(`${at}.transform: transforming the output is not supported — assert on the answer as it is`);
    if (entry.threshold !== undefined && (typeof entry.threshold !== 'number' || !Number.isFinite(entry.threshold))) throw new EvaluationInputError(`${at}.threshold: must be a number`);
    const grader = entry.grader ?? (typeof entry.provider === 'string' ? entry.provider : undefined);
    return {
      type: entry.type,
      ...(entry.value !== undefined ? { value: entry.value } : {}),
      ...(entry.threshold !== undefined ? { threshold: entry.threshold as number } : {}),
      ...(grader !== undefined ? { grader: readGrader(grader, `${at}.grader`)! } : {}),
    };
  });
}

/** A text value's `{{var}}`s filled from the test, as promptfoo does; a var it lacks is an input error. */
function renderAssertion(raw: RawAssertion, vars: Record<string, string>, where: string): RawAssertion {
  if (typeof raw.value !== 'string' || !raw.value.includes('{{')) return raw;
  const missing = variablesIn(raw.value).filter((name) => !Object.prototype.hasOwnProperty.call(vars, name));
  if (missing.length) throw new EvaluationInputError(`${where}.value: uses ${missing.map((name) => `"${name}"`).join(', ')}, which the test's vars lack — add ${missing.length > 1 ? 'them' : 'it'} to vars`);
  return { ...raw, value: fill(raw.value, vars) };
}

/** The tests as written, with dataset files (`tests: cases.csv`, or a file:// item in the list) read in place. */
async function expandTests(value: unknown, baseDir: string): Promise<RawTest[]> {
  if (value === undefined) throw new EvaluationInputError('tests: missing — add tests: [{ vars: {…}, assert: […] }] or tests: cases.csv');
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries)) throw new EvaluationInputError('tests: must be a list of tests or a dataset file (cases.csv, cases.jsonl)');
  const tests: RawTest[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') tests.push(...await loadDataset(resolve(baseDir, entry.replace(/^file:\/\//, '')), tests.length));
    else tests.push(entry as RawTest);
  }
  return tests;
}
