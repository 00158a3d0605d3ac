/**
 * Rows of vars from a file, as promptfoo reads them: `tests: cases.csv` (a header of var names; `__expected` columns
 * hold assertions as `contains: Paris`, `__description` the test's name) or `tests: cases.jsonl` (one object per line:
 * a test `{vars, assert}`, or the vars themselves), or a YAML/JSON list of tests. A ragged row, a line that is not
 * JSON or a file over the size limit is an input error naming the row.
 */
import { CsvError, parseCsvRows } from './csvRows';
import { stat, readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ASSERTION_TYPES } from './assertions/assertionTypes';
import { EvaluationInputError } from './suite';

export const MAX_DATASET_BYTES = 50 * 1024 * 1024;

/** A test as a file writes it, before it is checked. */
export type RawTest = Record<string, unknown>;

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Reads a file the tests file names, refusing one past the size limit before reading it. */
export async function readBounded(path: string, field: string, limit = MAX_DATASET_BYTES): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EvaluationInputError(`${field}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}) — paths are relative to the tests file`);
  }
  if (size > limit) throw new EvaluationInputError(`${field}: ${basename(path)} is ${megabytes(size)}, over the ${megabytes(limit)} limit — split it into smaller files and run them one after another`);
  return readFile(path, 'utf8');
}

/** The tests a dataset file holds; `firstIndex` is where they start among the file's tests, for messages. */
export async function loadDataset(path: string, firstIndex: number, field = 'tests'): Promise<RawTest[]> {
  const text = await readBounded(path, field);
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return parseCsvDataset(text, basename(path), firstIndex);
  if (extension === '.jsonl') return parseJsonlDataset(text, basename(path), firstIndex);
  if (extension === '.yaml' || extension === '.yml' || extension === '.json') {
    const { parse } = await import('yaml');
    let value: unknown;
    try {
      value = parse(text);
    } catch (error) {
      throw new EvaluationInputError(`${field}: ${basename(path)} is not valid YAML/JSON (${(error as Error).message.split('\n')[0]}) — fix the file`);
    }
    if (!Array.isArray(value)) throw new EvaluationInputError(`${field}: ${basename(path)} must hold a list of tests — write - vars: {…}`);
    return value as RawTest[];
  }
  throw new EvaluationInputError(`${field}: ${basename(path)} is not a dataset Fanout reads — use .csv, .jsonl, .yaml or .json`);
}

export function parseJsonlDataset(text: string, name: string, firstIndex: number): RawTest[] {
  const tests: RawTest[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line]!.trim();
    if (!content) continue;
    const where = `tests[${firstIndex + tests.length}] (${name} line ${line + 1})`;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      throw new EvaluationInputError(`${where}: not JSON (${(error as Error).message}) — each line must be one JSON object`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EvaluationInputError(`${where}: must be a JSON object — {"vars": {…}, "assert": […]} or the vars themselves`);
    tests.push('vars' in value || 'assert' in value ? (value as RawTest) : { vars: value });
  }
  return tests;
}

export function parseCsvDataset(text: string, name: string, firstIndex: number): RawTest[] {
  let rows: string[][];
  try {
    rows = parseCsvRows(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new EvaluationInputError(`tests: ${name} line ${error.line} is not valid CSV (${error.message}) — quote fields that hold commas or quotes`);
  }
  const [header, ...records] = rows;
  if (!header) return [];
  const unknown = header.find((column) => column.startsWith('__') && !/^__expected\d*$/.test(column) && column !== '__description');
  if (unknown) throw new EvaluationInputError(`tests: ${name} column ${JSON.stringify(unknown)} is not supported — Fanout reads __expected, __expected1… and __description`);
  return records.map((record, row) => {
    const where = `tests[${firstIndex + row}] (${name} row ${row + 2})`;
    if (record.length !== header.length) throw new EvaluationInputError(`${where}: has ${record.length} fields, the header has ${header.length} — every row needs one field per column (quote fields that hold commas)`);
    const vars: Record<string, string> = {};
    const assert: unknown[] = [];
    let description: string | undefined;
    header.forEach((column, index) => {
      const value = record[index]!;
      if (column === '__description') description = value;
      else if (column.startsWith('__expected')) {
        if (value.trim()) assert.push(expectedAssertion(value));
      } else vars[column] = value;
    });
    return { vars, ...(assert.length ? { assert } : {}), ...(description ? { description } : {}) };
  });
}

const ALIASES: Record<string, string> = { grade: 'llm-rubric', fn: 'javascript', eval: 'javascript' };
/** promptfoo's other types: a cell that starts with one is named as unsupported rather than read as text to equal. */
const OTHER_TYPES = ['similar', 'levenshtein', 'python', 'webhook', 'rouge-n', 'bleu', 'gleu', 'meteor', 'answer-relevance', 'context-faithfulness',
  'context-recall', 'context-relevance', 'factuality', 'model-graded-closedqa', 'model-graded-factuality', 'g-eval', 'is-valid-openai-tools-call',
  'is-valid-openai-function-call', 'perplexity', 'perplexity-score', 'moderation', 'classifier', 'is-sql', 'contains-sql', 'is-xml', 'contains-xml',
  'select-best', 'is-refusal', 'finish-reason', 'trace-span-count', 'trace-span-duration'];
const KNOWN = new Set([...ASSERTION_TYPES, ...Object.keys(ALIASES), ...OTHER_TYPES]);
const VALUELESS = /^(not-)?(is-json|contains-json)$/;

/** promptfoo's `__expected` cell: `type: value` (`not-` allowed, `grade:` and `fn:` aliases), else the text to equal. */
export function expectedAssertion(cell: string): { type: string; value?: string; threshold?: number } {
  const trimmed = cell.trim();
  if (VALUELESS.test(trimmed)) return { type: trimmed };
  const match = /^(not-)?([a-z][a-z0-9-]*)(?:\(([\d.]+)\))?:\s?([\s\S]*)$/.exec(trimmed);
  if (!match || !KNOWN.has(match[2]!)) return { type: 'equals', value: cell };
  const [, not = '', name, threshold, value] = match;
  const type = `${not}${ALIASES[name!] ?? name}`;
  return { type, value: value!, ...(threshold ? { threshold: Number(threshold) } : {}) };
}
