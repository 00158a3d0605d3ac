/** `fanout batch status|fetch|cancel` flags (shared/DESIGN.md "Batch"), each mistake one line naming the flag and the fix. */
import { parseArgs } from 'node:util';
import { DEFAULT_POLL_MS } from '../core/batch/batchFollow';
import { UsageError, usageErrorOf } from './args';
import { evalFormatOf, pollMsOf, type EvalFormat } from './evalArgs';

export interface BatchArguments {
  action: 'status' | 'fetch' | 'cancel';
  output: string;
  /** Only this job (its id as the cloud gave it), else every job in the file. */
  job?: string;
  /** Override the config and tests files the jobs were recorded with. */
  config?: string;
  tests?: string;
  wait: boolean;
  pollMs: number;
  format: EvalFormat;
}

export const BATCH_USAGE = `Usage:
  fanout batch status --output FILE [--config FILE] [JOB]
  fanout batch fetch  --output FILE [--config FILE] [--wait] [--poll-ms N] [--format table|json|junit|markdown] [JOB]
  fanout batch cancel --output FILE [--config FILE] [JOB]

Follows the batch jobs that fanout eval --batch recorded in FILE (its --output), from any process or machine (all
of them, or only JOB, an id as status shows it):
  status   asks each cloud for its jobs' state and counts
  fetch    brings finished jobs' answers into FILE (never twice) and prints the eval report, as fanout eval would
  cancel   cancels the jobs still running; what they finished comes in with fetch

Options:
  --output FILE            the results file the jobs were recorded in
  --config FILE            the deployments (default: the --config the jobs were submitted with)
  --tests FILE             the tests file (default: the --tests the jobs were submitted with)
  --wait                   fetch: wait for every job to finish first
  --poll-ms N              with --wait: ask every N ms (default 30000)
  --format …               fetch: the report's format (default table)

Exit codes: 0 done (fetch: every case in and every assertion held), 1 cases failed, errored or are still out,
2 usage or input error.`;

export function parseBatchArguments(argv: string[]): BatchArguments | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        tests: { type: 'string', short: 't' },
        wait: { type: 'boolean' },
        'poll-ms': { type: 'string' },
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usageErrorOf(error, ' for batch', 'fanout batch --help');
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const action = positionals[0];
  if (action !== 'status' && action !== 'fetch' && action !== 'cancel') {
    throw new UsageError(`batch: ${action === undefined ? 'no action' : `unknown action ${JSON.stringify(action)}`} — use fanout batch status|fetch|cancel --output FILE`);
  }
  if (positionals.length > 2) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[2])} — batch takes --output FILE and at most one JOB`);
  if (!values.output?.trim()) throw new UsageError('--output: missing — name the results file fanout eval --batch recorded its jobs in');
  const format = evalFormatOf(values.format);
  if (action !== 'fetch' && (values.wait || values['poll-ms'] !== undefined)) throw new UsageError(`--${values.wait ? 'wait' : 'poll-ms'}: only with fetch`);
  return {
    action,
    output: values.output,
    ...(positionals[1] !== undefined ? { job: positionals[1] } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.tests !== undefined ? { tests: values.tests } : {}),
    wait: values.wait ?? false,
    pollMs: pollMsOf(values['poll-ms']) ?? DEFAULT_POLL_MS,
    format,
  };
}
