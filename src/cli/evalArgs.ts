/** `fanout eval` flags (shared/DESIGN.md "Evaluation"), each mistake one line naming the flag and the fix. */
import { parseArgs } from 'node:util';
import { DEFAULT_POLL_MS } from '../core/batch/batchFollow';
import { UsageError, numberFlag, usageErrorOf } from './args';

export type EvalFormat = 'table' | 'json' | 'junit' | 'markdown';

/** An eval report's `--format` (eval and batch fetch print the same reports); table when absent. */
export function evalFormatOf(value: string | undefined): EvalFormat {
  const format = value ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'junit' && format !== 'markdown') throw new UsageError(`--format: ${JSON.stringify(format)} is not valid — use table, json, junit or markdown`);
  return format;
}

/** `--poll-ms` (eval --batch and batch fetch --wait): how often the jobs' state is asked for; undefined when absent. */
export const pollMsOf = (value: string | undefined): number | undefined =>
  numberFlag('--poll-ms', value, { min: 1, max: 3_600_000, integer: true, hint: 'use whole milliseconds from 1 to 3600000, e.g. 30000' });

export interface EvalArguments {
  config: string;
  tests: string;
  deployments?: string[];
  repeat: number;
  concurrency?: number;
  maxCostUsd?: number;
  format: EvalFormat;
  output?: string;
  resume?: string;
  /** --batch: through each cloud's batch service; `wait` false with --no-wait. */
  batch?: { wait: boolean; pollMs: number };
}

export const EVAL_USAGE = `Usage:
  fanout eval --config FILE --tests FILE [options]

Runs every test of FILE (promptfoo's tests: shape, YAML or JSON; tests may be a .csv or .jsonl dataset) on every
deployment, checks each answer's assertions, and reports per deployment.

Options for eval:
  --config FILE            deployments: { "deployments": [ … ] }
  --tests FILE             prompts, defaultTest and tests [{vars, assert: [{type, value, threshold}]}]
  --deployments ID,ID      only these deployments (default: all in --config)
  --repeat N               run every case N times (1–1000)
  --concurrency N          requests in flight per deployment (default 4; the tests file's limits: may set
                           requestsPerMinute and tokensPerMinute per deployment)
  --max-cost USD           stop starting cases once answers and grading have cost this much
  --format table|json|junit|markdown   (default table; markdown suits a CI job summary)
  --output FILE            append each case to FILE (JSONL) as it finishes
  --resume FILE            read FILE, run only the cases it lacks (appending them to it), report them all
  --batch                  send each deployment's cases through its cloud's batch service (half price, within
                           24 h; needs --output or --resume, where the jobs are kept): waits, then reports as above
  --no-wait                with --batch: submit, record the jobs in --output and exit 0 (then fanout batch …)
  --poll-ms N              with --batch: ask for the jobs' state every N ms (default 30000)

Exit codes: 0 every assertion held, 1 any failed or errored (or cases were left unrun), 2 usage or input error
(nothing was sent).`;

export function parseEvalArguments(argv: string[]): EvalArguments | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        tests: { type: 'string', short: 't' },
        deployments: { type: 'string', short: 'd' },
        repeat: { type: 'string' },
        concurrency: { type: 'string' },
        'max-cost': { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        resume: { type: 'string' },
        batch: { type: 'boolean' },
        'no-wait': { type: 'boolean' },
        'poll-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usageErrorOf(error, ' for eval', 'fanout eval --help');
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} — eval takes --tests FILE`);
  if (!values.batch && (values['no-wait'] || values['poll-ms'] !== undefined)) throw new UsageError(`--${values['no-wait'] ? 'no-wait' : 'poll-ms'}: only with --batch — add --batch, or drop it`);
  if (values.batch && values.output === undefined && values.resume === undefined) throw new UsageError('--batch: name --output FILE — the jobs are kept there, so a stopped process loses nothing (fanout batch status --output FILE)');
  if (values.batch && values['max-cost'] !== undefined) throw new UsageError('--max-cost: not with --batch (a submitted job runs whole, and cannot be stopped by cost part way) — check the estimate fanout prints first, or run without --batch');
  const pollMs = pollMsOf(values['poll-ms']);
  if (!values.config) throw new UsageError('--config: missing — name a file with { "deployments": [ … ] }');
  if (!values.tests) throw new UsageError('--tests: missing — name a tests file (YAML or JSON, promptfoo\'s tests: shape)');
  const format = evalFormatOf(values.format);
  const deployments = values.deployments?.split(',').map((id) => id.trim()).filter(Boolean);
  if (values.deployments !== undefined && !deployments?.length) throw new UsageError('--deployments: empty — give ids separated by commas, e.g. --deployments gpt,claude');
  for (const flag of ['output', 'resume'] as const) if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag}: empty — name a file, e.g. --${flag} results.jsonl`);
  if (values.output !== undefined && values.resume !== undefined && values.output !== values.resume) {
    throw new UsageError('--output and --resume: name the same file, or give only --resume FILE (new cases are appended to it)');
  }
  const concurrency = numberFlag('--concurrency', values.concurrency, { min: 1, max: 1000, integer: true, hint: 'use a whole number from 1 to 1000' });
  const maxCostUsd = numberFlag('--max-cost', values['max-cost'], { min: 0, max: 1_000_000, integer: false, hint: 'use US dollars above 0, e.g. 2.50' });
  if (maxCostUsd === 0) throw new UsageError('--max-cost: 0 would send nothing — use US dollars above 0, e.g. 2.50');
  return {
    config: values.config,
    tests: values.tests,
    ...(deployments ? { deployments } : {}),
    repeat: numberFlag('--repeat', values.repeat, { min: 1, max: 1000, integer: true, hint: 'use a whole number from 1 to 1000' }) ?? 1,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    format,
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values.resume !== undefined ? { resume: values.resume } : {}),
    ...(values.batch ? { batch: { wait: !values['no-wait'], pollMs: pollMs ?? DEFAULT_POLL_MS } } : {}),
  };
}
