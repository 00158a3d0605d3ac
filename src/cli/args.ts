/** The `fanout` command line: flags parsed and checked, each mistake one line that names the flag and the fix. */
import { parseArgs } from 'node:util';
import type { Reasoning } from '../core/request/chatRequest';
import { PARAMETERS, PARAMETER_NAMES, REASONING, RUN_OPTIONS, parseReasoning, describeRange, parameterHint, parameterNamed, type NumberParameter, type Parameter, type Params } from '../core/request/params';

export class UsageError extends Error {}

export type OutputFormat = 'table' | 'json' | 'markdown';

export interface RunArguments {
  command: 'run';
  config: string;
  /** The user turn to send; absent when `--messages` holds the whole conversation. */
  prompt?: { text: string } | { file: string };
  /** `--messages`: a JSON array of messages, the conversation so far. */
  messagesFile?: string;
  /** `--tools`: a JSON array of tools the model may call. */
  toolsFile?: string;
  /** `--tool-choice`: auto, none, required or a tool's name (checked against the tools once they are read). */
  toolChoice?: string;
  /** `--schema`: a JSON Schema file the answer must follow. */
  schemaFile?: string;
  /** `--json`: any JSON answer. */
  json: boolean;
  /** `--image FILE`, repeatable: images added to the user turn, in order. */
  images: string[];
  system?: string;
  deployments?: string[];
  /** The request parameters set on the command line (the one parameter schema's flags). */
  params: Params;
  /** `--reasoning`: an effort or a budget of thinking tokens. */
  reasoning?: Reasoning;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  repeat: number;
  retries?: number;
  format: OutputFormat;
  http1: boolean;
  /** PEM file of an extra certificate authority to trust. */
  caFile?: string;
  /** `--fallback`: each deployment falls back along its own `fallbacks` chain on an outage, rate limit or timeout. */
  fallback: boolean;
}

export type CliArguments = RunArguments | { command: 'help' } | { command: 'version' } | { command: 'validate'; config: string };

function usageLine(parameter: Parameter): string {
  const flag = `  ${parameter.flag} ${parameter.type === 'choice' ? parameter.values.join('|') : 'N'}`;
  const range = parameter.type === 'choice' ? '' : ` (${describeRange(parameter).replace(/^an? (whole )?number /, '')})`;
  return `${flag.padEnd(27)}${parameter.description.replace(/\.$/, '')}${range}`;
}

export const USAGE = `Usage:
  fanout run --config FILE (--prompt TEXT | --prompt-file FILE | --messages FILE) [options]
  fanout validate --config FILE
  fanout eval --config FILE --tests FILE [options]   (see fanout eval --help)
  fanout batch status|fetch|cancel --output FILE     follow eval --batch jobs (see fanout batch --help)
  fanout --help | --version

Sends one prompt to every deployment in FILE at once and compares the answers.

Options for run:
  --config FILE            deployments: { "deployments": [ { "id", "provider", "model", … } ] }
  --prompt TEXT            the user prompt
  --prompt-file FILE       read the user prompt from FILE ("-" reads standard input)
  --system TEXT            a system prompt
  --messages FILE          the conversation so far: a JSON array of {"role": "user"|"assistant"|"tool",
                           "content": "text" | [parts]}; --prompt appends a user turn
  --tools FILE             tools the model may call: a JSON array of {"name", "description", "parameters"}
  --tool-choice auto|none|required|NAME   how the model must choose among the tools (default: auto)
  --reasoning minimal|low|medium|high|TOKENS   how much the model may think first (each cloud takes it its own way)
  --schema FILE            the answer must be JSON following this JSON Schema (named after the file;
                           strict where the cloud takes it); each result says whether it is valid
  --json                   the answer must be JSON (any JSON)
  --image FILE             add an image to the user turn (repeat for more); its type is read from its
                           bytes (PNG, JPEG, GIF, WebP, HEIC…); each cloud's limits are checked before sending
  --deployments ID,ID      only these deployments (default: all in FILE)
  --fallback               on an outage (5xx, network), rate limit, quota or timeout before any output, try the
                           deployment's "fallbacks" in order; each result says who answered ("answeredBy")
                           and every attempt ("attempts")
${PARAMETER_NAMES.map((name) => usageLine(PARAMETERS[name])).join('\n')}
  --timeout-ms N           bound each deployment from request to last byte (default 120000)
  --idle-timeout-ms N      bound the gap between two chunks (default 30000)
  --first-byte-timeout-ms N  bound the wait for the response to start (default 60000)
  --retries N              retries before the first token on 429/5xx/connection errors (default 2)
  --repeat N               run N times; report p50/p95 of ttft, total and tokens/s
  --format table|json|markdown   (default table)
  --http1                  Bedrock over HTTP/1.1 instead of the SDK's HTTP/2
  --ca-file FILE           also trust the certificate authority in this PEM file (a private or
                           corporate CA); TLS verification is never turned off

Credentials come from the environment: a deployment's "apiKeyEnv", else OPENAI_API_KEY,
AZURE_OPENAI_API_KEY (AZURE_OPENAI_AD_TOKEN with "auth": "entra"), GEMINI_API_KEY, AWS profiles,
SSO and the default chain (or AWS_BEARER_TOKEN_BEDROCK), and Google Application Default Credentials.

Telemetry (off unless set): OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT / _METRICS_ENDPOINT),
OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf|http/json, OTEL_EXPORTER_OTLP_HEADERS name=value,…; one span per
call and the gen_ai.client.* metrics; prompts and answers only with
OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.

Proxy: HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY), http://[user:password@]host:port; NO_PROXY lists hosts
that bypass it (example.com, .example.com, host:port, 10.0.0.0/8, *). NODE_EXTRA_CA_CERTS works too.

Exit codes: 0 every deployment answered (an answer that breaks the schema still answered), 1 any
failed, 2 usage or config error.`;

/** A numeric flag's value, or a usage error naming the flag and what it takes. */
export function numberFlag(flag: string, raw: string | undefined, check: { min?: number; max?: number; above?: number; integer?: boolean; hint: string }): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const bad = raw.trim() === '' || !Number.isFinite(value) || (check.integer && !Number.isInteger(value))
    || (check.min !== undefined && value < check.min) || (check.max !== undefined && value > check.max) || (check.above !== undefined && value <= check.above);
  if (bad) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not valid — ${check.hint}`);
  return value;
}

/** `--reasoning minimal|low|medium|high|TOKENS`, checked by the same rule as prompt files and the playground. */
function reasoningFlag(raw: string | undefined): Reasoning | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseReasoning(raw);
  if (parsed.problem || !parsed.value) throw new UsageError(`${REASONING.flag}: ${parsed.problem ?? 'empty — use minimal, low, medium, high or a number of tokens'}`);
  return parsed.value;
}

/** Every request parameter's flag, checked against the one parameter schema. */
function parameterFlags(values: Record<string, string | boolean | undefined>): Params {
  const params: Record<string, unknown> = {};
  for (const name of PARAMETER_NAMES) {
    const parameter = parameterNamed(name);
    const raw = values[parameter.flag.slice(2)];
    if (typeof raw !== 'string') continue;
    if (parameter.type === 'choice') {
      if (!parameter.values.includes(raw)) throw new UsageError(`${parameter.flag}: ${JSON.stringify(raw)} is not valid — ${parameterHint(parameter)}`);
      params[name] = raw;
      continue;
    }
    const rule: NumberParameter = parameter;
    params[name] = numberFlag(rule.flag, raw, {
      ...(rule.minExclusive ? { above: rule.min } : { min: rule.min }), max: rule.max, integer: rule.type === 'integer', hint: parameterHint(rule),
    });
  }
  return params as Params;
}

/** What node's parseArgs refused, as one usage line: `command` names the subcommand ("" or " for eval"). */
export function usageErrorOf(error: unknown, command: string, help: string): UsageError {
  const message = (error as Error).message;
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return new UsageError(`${ambiguous[1]}: a value starting with "-" must be written ${ambiguous[1]}=VALUE`);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return new UsageError(`unknown option ${unknown[1]}${command} — see ${help}`);
  return new UsageError(`${message.split('\n')[0]!.replace(/\.$/, '')} — see ${help}`);
}

export function parseCliArguments(argv: string[]): CliArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        prompt: { type: 'string', short: 'p' },
        'prompt-file': { type: 'string' },
        system: { type: 'string' },
        messages: { type: 'string' },
        tools: { type: 'string' },
        'tool-choice': { type: 'string' },
        reasoning: { type: 'string' },
        schema: { type: 'string' },
        json: { type: 'boolean' },
        image: { type: 'string', multiple: true },
        deployments: { type: 'string', short: 'd' },
        ...Object.fromEntries(PARAMETER_NAMES.map((name) => [PARAMETERS[name].flag.slice(2), { type: 'string' as const }])),
        'timeout-ms': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'first-byte-timeout-ms': { type: 'string' },
        retries: { type: 'string' },
        repeat: { type: 'string' },
        format: { type: 'string', short: 'f' },
        http1: { type: 'boolean' },
        fallback: { type: 'boolean' },
        'ca-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw usageErrorOf(error, '', 'fanout --help');
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const command = positionals[0];
  if (command === undefined) throw new UsageError('no command — use "fanout run --config FILE --prompt TEXT" (see fanout --help)');
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])} — quote a prompt with spaces: --prompt "…"`);
  if (command !== 'run' && command !== 'validate') throw new UsageError(`unknown command ${JSON.stringify(command)} — use "run", "validate", "eval" or "batch"`);
  if (!values.config) throw new UsageError('--config: missing — name a file with { "deployments": [ … ] }');
  if (command === 'validate') return { command: 'validate', config: values.config };

  if (values.prompt !== undefined && values['prompt-file'] !== undefined) throw new UsageError('--prompt and --prompt-file: give one, not both');
  if (values.prompt === undefined && values['prompt-file'] === undefined && values.messages === undefined) throw new UsageError('--prompt: missing — give --prompt TEXT, --prompt-file FILE or --messages FILE');
  if (values.prompt !== undefined && values.prompt.trim() === '') throw new UsageError('--prompt: empty — give the text to send');
  for (const flag of ['messages', 'tools', 'schema'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag}: empty — name a JSON file, e.g. --${flag} ${flag === 'schema' ? 'answer.schema' : flag}.json`);
  }
  const emptyImage = values.image?.find((file) => file.trim() === '');
  if (emptyImage !== undefined) throw new UsageError('--image: empty — name an image file, e.g. --image photo.png');
  if (values.schema !== undefined && values.json) throw new UsageError('--schema and --json: give one, not both — --schema FILE asks for JSON following that schema, --json for any JSON');
  if (values['tool-choice'] !== undefined && values.tools === undefined) throw new UsageError(`--tool-choice: needs --tools FILE — name the tools the model may choose from`);
  if (values['tool-choice'] !== undefined && values['tool-choice'].trim() === '') throw new UsageError('--tool-choice: empty — use auto, none, required or a tool\'s name');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'markdown') throw new UsageError(`--format: ${JSON.stringify(format)} is not valid — use table, json or markdown`);
  if (values['ca-file'] !== undefined && values['ca-file'].trim() === '') throw new UsageError('--ca-file: empty — name a PEM file, e.g. --ca-file corp-ca.pem');
  const deployments = values.deployments?.split(',').map((id) => id.trim()).filter(Boolean);
  if (values.deployments !== undefined && !deployments?.length) throw new UsageError('--deployments: empty — give ids separated by commas, e.g. --deployments gpt,claude');
  const optional = <T>(key: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [key]: value });
  return {
    command: 'run',
    config: values.config,
    ...optional('prompt', values.prompt !== undefined ? { text: values.prompt } : values['prompt-file'] !== undefined ? { file: values['prompt-file'] } : undefined),
    ...optional('system', values.system),
    ...optional('messagesFile', values.messages),
    ...optional('toolsFile', values.tools),
    ...optional('toolChoice', values['tool-choice']),
    ...optional('reasoning', reasoningFlag(values.reasoning)),
    ...optional('schemaFile', values.schema),
    json: values.json ?? false,
    images: values.image ?? [],
    ...optional('deployments', deployments),
    params: parameterFlags(values as Record<string, string | boolean | undefined>),
    ...optional('timeoutMs', numberFlag('--timeout-ms', values['timeout-ms'], { min: 1, max: 86_400_000, integer: true, hint: 'use whole milliseconds above 0, e.g. 60000' })),
    ...optional('idleTimeoutMs', numberFlag('--idle-timeout-ms', values['idle-timeout-ms'], { min: 1, max: 86_400_000, integer: true, hint: 'use whole milliseconds above 0, e.g. 30000' })),
    ...optional('firstByteTimeoutMs', numberFlag('--first-byte-timeout-ms', values['first-byte-timeout-ms'], { min: 1, max: 86_400_000, integer: true, hint: 'use whole milliseconds above 0, e.g. 60000' })),
    ...optional('retries', numberFlag('--retries', values.retries, { min: 0, max: 10, integer: true, hint: 'use a whole number from 0 to 10' })),
    repeat: numberFlag('--repeat', values.repeat, { min: RUN_OPTIONS.repeat.min, max: 1000, integer: true, hint: 'use a whole number from 1 to 1000' }) ?? 1,
    format,
    http1: values.http1 ?? false,
    fallback: values.fallback ?? false,
    ...optional('caFile', values['ca-file']),
  } as RunArguments;
}
