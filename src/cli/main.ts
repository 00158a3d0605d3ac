/** `fanout`: the core, headless. Exit 0 when every deployment answered, 1 when any failed, 2 for usage or config errors. */
import { readFile } from 'node:fs/promises';
import { formatIssue, parseConfigText, type Deployment } from '../core/config/deployment';
import { runFanout, type DeploymentResult, type FanoutOptions } from '../core/engine/fanout';
import { fallbackChain, runWithFallbacks } from '../core/engine/fallback';
import { withTelemetry } from '../core/telemetry/telemetrySink';
import { cliTelemetry } from './cliTelemetry';
import { textOf, type ChatRequest } from '../core/request/chatRequest';
import { loadAdapter } from '../providers/registry';
import { USAGE, UsageError, parseCliArguments, type RunArguments } from './args';
import { cliNetwork } from './cliNetwork';
import { readRequestFiles, withImages } from './requestFiles';
import { EnvironmentCredentials } from './envCredentials';
import { formatJson, formatMarkdown, formatTable } from '../core/results/report';
import { PRICES_AS_OF } from '../core/results/pricing';
import { evalCommand } from './evalCommand';
import { batchCommand } from './batchCommand';

declare const FANOUT_VERSION: string | undefined;
const MAX_PROMPT_BYTES = 20 * 1024 * 1024;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  readStdin: () => Promise<string>;
  signal?: AbortSignal;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    if (argv[0] === 'eval') return await evalCommand(argv.slice(1), io);
    if (argv[0] === 'batch') return await batchCommand(argv.slice(1), io);
    const args = parseCliArguments(argv);
    if (args.command === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (args.command === 'version') {
      io.stdout(`${typeof FANOUT_VERSION === 'string' ? FANOUT_VERSION : 'dev'}\n${PRICES_AS_OF}\n`);
      return 0;
    }
    if (args.command === 'validate') return await validate(args.config, io);
    const deployments = await loadDeployments(args.config);
    return await run(args, deployments, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`fanout: ${error.message}\n`);
      return 2;
    }
    io.stderr(`fanout: unexpected failure: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Every problem in the file, one line each. */
async function validate(file: string, io: Io): Promise<number> {
  const parsed = parseConfigText(await readConfig(file), file);
  if (!parsed.ok) {
    io.stderr(parsed.issues.map((issue) => `fanout: ${formatIssue(issue)}\n`).join(''));
    return 2;
  }
  io.stdout(`${file}: ${parsed.deployments.length} deployment${parsed.deployments.length === 1 ? '' : 's'}, all valid (${parsed.deployments.map((d) => d.id).join(', ')})\n`);
  return 0;
}

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}) — check the path`);
  }
}

async function loadDeployments(file: string): Promise<Deployment[]> {
  const text = await readConfig(file);
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) {
    const [first, ...rest] = parsed.issues;
    throw new UsageError(`${formatIssue(first!)}${rest.length ? ` (${rest.length} more: ${rest.map((issue) => issue.path.replace(`${file}: `, '')).join(', ')}; run fanout validate --config ${file})` : ''}`);
  }
  if (parsed.deployments.length === 0) throw new UsageError(`${file}: "deployments" is empty — add at least one deployment`);
  return parsed.deployments;
}

async function readPrompt(args: RunArguments, io: Io): Promise<string | null> {
  if (args.prompt === undefined) return null;
  if ('text' in args.prompt) return args.prompt.text;
  const file = args.prompt.file;
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--prompt-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}) — check the path`);
  }
  if (Buffer.byteLength(text) > MAX_PROMPT_BYTES) throw new UsageError(`--prompt-file: ${file} is over ${MAX_PROMPT_BYTES / 1024 / 1024} MB — no model takes a prompt that long; shorten it`);
  if (text.trim() === '') throw new UsageError(`--prompt-file: ${file} is empty — give the text to send`);
  return text;
}

async function run(args: RunArguments, all: Deployment[], io: Io): Promise<number> {
  let deployments = all;
  if (args.deployments) {
    const unknown = args.deployments.filter((id) => !all.some((deployment) => deployment.id === id));
    if (unknown.length) throw new UsageError(`--deployments: no deployment ${unknown.map((id) => `"${id}"`).join(', ')} in ${args.config} — known: ${all.map((d) => d.id).join(', ')}`);
    deployments = all.filter((deployment) => args.deployments!.includes(deployment.id));
  }
  const prompt = await readPrompt(args, io);
  const { messages, images, ...asked } = await readRequestFiles(args);
  const network = await cliNetwork(io.env, args.caFile);
  const request: ChatRequest = {
    ...(args.system ? { system: args.system } : {}),
    messages: withImages(prompt === null ? messages : [...messages, { role: 'user', content: prompt }], images),
    params: args.params,
    ...(args.reasoning ? { reasoning: args.reasoning } : {}),
    ...asked,
  };
  const credentials = new EnvironmentCredentials(io.env);
  const telemetry = await cliTelemetry(io.env);
  const runOnce = (options: FanoutOptions): Promise<DeploymentResult[]> => (args.fallback
    // each deployment with its own chain, all at once
    ? Promise.all(deployments.map((deployment) => {
      const chain = fallbackChain(deployment, all);
      return runWithFallbacks(request, chain, withTelemetry(options, telemetry && { ...telemetry, request, deployments: chain, requested: deployment.id }));
    }))
    : runFanout(request, deployments, withTelemetry(options, telemetry && { ...telemetry, request, deployments })));
  const runs: DeploymentResult[][] = [];
  for (let index = 0; index < args.repeat && !io.signal?.aborted; index++) {
    runs.push(await runOnce({
      loadAdapter,
      credentials,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
      ...(args.idleTimeoutMs !== undefined ? { idleTimeoutMs: args.idleTimeoutMs } : {}),
      ...(args.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: args.firstByteTimeoutMs } : {}),
      ...(args.retries !== undefined ? { retry: { maxRetries: args.retries } } : {}),
      transport: { http1: args.http1, ...(network ? { network } : {}) },
    }));
  }
  const output = args.format === 'json' ? formatJson(runs) : args.format === 'markdown' ? formatMarkdown(runs, prompt ?? lastTurn(request)) : formatTable(runs);
  io.stdout(output.endsWith('\n') ? output : `${output}\n`);
  // after the report: a collector that is down or slow holds the exit for at most the export timeout
  await telemetry?.sink.shutdown();
  return runs.every((run) => run.every((result) => result.status === 'ok')) ? 0 : 1;
}

/** What the markdown report quotes when the conversation came from --messages: its last turn. */
function lastTurn(request: ChatRequest): string {
  const last = request.messages.at(-1);
  if (!last) return '';
  const text = textOf(last);
  return `(${request.messages.length} messages; the last, ${last.role}:) ${text || '[tool results]'}`;
}
