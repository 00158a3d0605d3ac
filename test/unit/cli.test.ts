/** The `fanout` CLI, in process and as the built binary, against the emulators. */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('fanout CLI', () => {
  let emulators: Emulators;
  let dir: string;
  let config: string;
  const env = (): Record<string, string | undefined> => ({
    OPENAI_API_KEY: KEYS.openai,
    AZURE_OPENAI_API_KEY: KEYS.azure,
    GEMINI_API_KEY: KEYS.gemini,
    AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey,
    VERTEX_TOKEN: KEYS.vertexToken,
    LOCAL_KEY: KEYS.openai,
  });
  const cli = async (args: string[], environment = env(), stdin = ''): Promise<Outcome> => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: environment, readStdin: async () => stdin });
    return { code, stdout, stderr };
  };
  const writeConfig = (name: string, deployments: unknown[]): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ deployments }, null, 2));
    return file;
  };

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-cli-'));
    const all = deploymentsFor(emulators);
    config = writeConfig('six.json', [all.openai, all.azure, all.bedrock, { ...all.vertex, apiKeyEnv: 'VERTEX_TOKEN' }, all.gemini, { ...all.compatible, apiKeyEnv: 'LOCAL_KEY' }]);
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('prints a side-by-side table of every deployment and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['run', '--config', config, '--prompt', 'Hello clouds', '--max-tokens', '32']);
    assert.equal(stderr, '');
    assert.equal(code, 0, stdout);
    // Bedrock's long model id makes the full table wider than 120 columns: the provider column goes, the badges go below
    for (const id of ['openai-mini', 'azure-gpt4o', 'bedrock-haiku', 'vertex-flash', 'gemini-flash', 'local-llama']) assert.match(stdout, new RegExp(`^${id}\\s+\\S+\\s+ok\\s+(\\d+\u00a0ms|reused)\\s`, 'm'), id);
    assert.match(stdout, /^deployment\s+model\s+status\s+set-up\s+ttft\s+total\s+tok\/s\s+in\s+out\s+cost$/m);
    const lines = stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith('deployment'));
    for (const line of lines.slice(header, lines.indexOf('', header))) assert.ok(line.length <= 120, `${line.length} columns: ${line}`);
    assert.match(stdout, /── bedrock-haiku · us\.anthropic/);
    assert.match(stdout, /fastest first token/);
    assert.match(stdout, /^local-llama\s.*\s—\s*$/m, 'no price shows as —, never $0');
    assert.match(stdout, /no price for local-llama: OpenAI-compatible servers set their own prices/);
  });

  it('a rejected key fails that column with the reason, exit 1', async () => {
    const { code, stdout } = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'local-llama,gemini-flash'], { ...env(), LOCAL_KEY: 'wrong' });
    assert.equal(code, 1);
    assert.match(stdout, /✗ local-llama: auth — The server at 127\.0\.0\.1:\d+ \(deployment "local-llama"\) rejected the credential \(401\)/);
    assert.match(stdout, /^gemini-flash\s.*\sok\s/m);
  });

  it('--format json prints exactly one document in the DESIGN.md shape', async () => {
    const { code, stdout } = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini,bedrock-haiku', '--format', 'json']);
    assert.equal(code, 0);
    const document = JSON.parse(stdout);
    assert.equal(document.results.length, 2);
    const [result] = document.results;
    assert.deepEqual(Object.keys(result).slice(0, 10), ['deployment', 'provider', 'model', 'status', 'text', 'finishReason', 'metrics', 'error', 'requestId', 'retries']);
    assert.deepEqual(Object.keys(result.metrics), ['ttftMs', 'totalMs', 'inputTokens', 'outputTokens', 'tokensPerSecond', 'costUsd', 'reasoningTokens', 'cacheReadTokens', 'cacheWriteTokens', 'phases', 'connection']);
    assert.deepEqual(
      { toolCalls: result.toolCalls, reasoning: result.reasoning, json: result.json, schemaValid: result.schemaValid, schemaErrors: result.schemaErrors, structuredOutput: result.structuredOutput, warnings: result.warnings },
      { toolCalls: [], reasoning: null, json: null, schemaValid: null, schemaErrors: [], structuredOutput: null, warnings: [] },
      'a text answer carries the fields beyond text, empty');
    assert.equal(result.status, 'ok');
    assert.equal(result.error, null);
    assert.equal(typeof result.metrics.costUsd, 'number');
    assert.match(result.requestId, /^req_/);
  });

  it('--format markdown gives a report with a table and each answer', async () => {
    const { code, stdout } = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'gemini-flash,azure-gpt4o', '--format', 'markdown']);
    assert.equal(code, 0);
    assert.match(stdout, /^# Fanout comparison/);
    assert.match(stdout, /^\| deployment \| provider \| model \| status \|/m);
    assert.match(stdout, /^## gemini-flash — gemini-2\.0-flash$/m);
  });

  it('--repeat gives p50/p95 of ttft, total and tokens/s', async () => {
    const { code, stdout } = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini,gemini-flash', '--repeat', '3', '--format', 'json']);
    assert.equal(code, 0);
    const document = JSON.parse(stdout);
    assert.equal(document.results.length, 6);
    assert.deepEqual(document.summary.map((s: { deployment: string; runs: number; ok: number }) => [s.deployment, s.runs, s.ok]), [['openai-mini', 3, 3], ['gemini-flash', 3, 3]]);
    assert.equal(typeof document.summary[0].ttftMs.p95, 'number');
    const table = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini', '--repeat', '2']);
    assert.match(table.stdout, /^2 runs · p50 \/ p95/);
    assert.match(table.stdout, /^deployment\s+ok\s+ttft p50 \/ p95/m);
  });

  it('--repeat keeps one client per deployment: the first run opens a connection, the repeats reuse it (every kind)', async () => {
    const ids = ['openai-mini', 'azure-gpt4o', 'bedrock-haiku', 'vertex-flash', 'gemini-flash', 'local-llama'];
    // emulators of its own: Node's fetch keeps connections process-wide, and this process talked to the others before
    const fresh = await startEmulators();
    const all = deploymentsFor(fresh);
    const own = writeConfig('fresh.json', [all.openai, all.azure, all.bedrock, { ...all.vertex, apiKeyEnv: 'VERTEX_TOKEN' }, all.gemini, { ...all.compatible, apiKeyEnv: 'LOCAL_KEY' }]);
    const { code, stdout } = await cli(['run', '--config', own, '--prompt', 'Hi', '--deployments', ids.join(','), '--repeat', '3', '--format', 'json']).finally(() => fresh.stop());
    assert.equal(code, 0, stdout);
    const results = JSON.parse(stdout).results as Array<{ deployment: string; metrics: { connection: string; phases: { connectMs: number | null; headersMs: number } } }>;
    for (const id of ids) {
      const runs = results.filter((result) => result.deployment === id);
      assert.deepEqual(runs.map((result) => result.metrics.connection), ['new', 'reused', 'reused'], id);
      assert.equal(typeof runs[0]!.metrics.phases.connectMs, 'number', id);
      assert.deepEqual(runs.slice(1).map((result) => result.metrics.phases.connectMs), [null, null], id);
    }
  });

  it('a missing key fails that deployment only, naming the variable to set', async () => {
    const environment = { ...env(), OPENAI_API_KEY: undefined };
    const { code, stdout } = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini,gemini-flash'], environment);
    assert.equal(code, 1);
    assert.match(stdout, /✗ openai-mini: auth — No API key for deployment "openai-mini": set OPENAI_API_KEY in the environment/);
    assert.match(stdout, /^gemini-flash\s.*\sok\s/m);
    assert.equal(emulators.openai.server.requests.length, 0);
  });

  it('a 1 MB prompt goes through where the model takes it, and fails with a clear reason where it does not', async () => {
    const file = join(dir, 'big-prompt.txt');
    writeFileSync(file, 'lorem ipsum '.repeat(Math.ceil((1024 * 1024) / 12)));
    const { code, stdout } = await cli(['run', '--config', config, '--prompt-file', file, '--deployments', 'openai-mini,gemini-flash', '--format', 'json']);
    assert.equal(code, 1);
    const [openai, gemini] = JSON.parse(stdout).results;
    assert.equal(openai.error.kind, 'context_length');
    assert.match(openai.error.message, /The prompt is too long for this model/);
    assert.equal(gemini.status, 'ok');
    assert.ok(gemini.metrics.inputTokens > 250_000);
  });

  it('reads the prompt from standard input with --prompt-file -', async () => {
    const { code } = await cli(['run', '--config', config, '--prompt-file', '-', '--deployments', 'gemini-flash'], env(), 'from stdin');
    assert.equal(code, 0);
    assert.match(emulators.google.server.requests[0]?.body ?? '', /from stdin/);
  });

  const usageMistakes: Array<[string[], RegExp]> = [
    [[], /no command/],
    [['compare'], /unknown command "compare"/],
    [['run', '--prompt', 'x'], /--config: missing/],
    [['run', '--config', 'nope.json', '--prompt', 'x'], /--config: cannot read nope\.json \(no such file\)/],
    [['run', '--config', 'CONFIG'], /--prompt: missing/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--prompt-file', 'y'], /give one, not both/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--temperature', 'warm'], /--temperature: "warm" is not valid — use a number from 0 to 2/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--max-tokens', '0'], /--max-tokens: "0" is not valid/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--repeat', '1.5'], /--repeat: "1\.5" is not valid/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--format', 'xml'], /--format: "xml" is not valid — use table, json or markdown/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--timeout-ms=-5'], /--timeout-ms: "-5" is not valid/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--timeout-ms', '-5'], /--timeout-ms: a value starting with "-" must be written --timeout-ms=VALUE/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--max-tokens'], /--max-tokens/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--deployments', 'nope'], /--deployments: no deployment "nope" in .* — known: openai-mini/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', '--colour'], /unknown option --colour — see fanout --help/],
    [['run', '--config', 'CONFIG', '--prompt', 'x', 'extra'], /unexpected argument "extra"/],
    [['run', '--config', 'CONFIG', '--prompt-file', 'missing.txt'], /--prompt-file: cannot read missing\.txt/],
  ];
  for (const [args, expected] of usageMistakes) {
    it(`exit 2 with one line, no stack trace: ${args.join(' ') || '(nothing)'}`, async () => {
      const { code, stdout, stderr } = await cli(args.map((arg) => (arg === 'CONFIG' ? config : arg)));
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /^fanout: .+\n$/);
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /\n\s+at /);
    });
  }

  it('each config mistake is exit 2 with one line naming the field; validate lists them all', async () => {
    const bad = writeConfig('bad.json', [{ id: 'a', provider: 'bedrock', model: 'm' }, { id: 'a', provider: 'openai', model: 'm', baseUrl: 'not a url' }]);
    const run = await cli(['run', '--config', bad, '--prompt', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^fanout: .*bad\.json: deployments\[0\] \("a"\)\.region: missing — Amazon Bedrock needs it.*\(1 more: deployments\[1\] \("a"\)\.baseUrl; run fanout validate --config .*\)\n$/);
    const validate = await cli(['validate', '--config', bad]);
    assert.equal(validate.code, 2);
    assert.equal(validate.stderr.trim().split('\n').length, 2);
    const good = await cli(['validate', '--config', config]);
    assert.equal(good.code, 0);
    assert.match(good.stdout, /6 deployments, all valid/);
    const syntax = join(dir, 'syntax.json');
    writeFileSync(syntax, '{ "deployments": [ { "id": "a" "provider": "openai" } ] }');
    const broken = await cli(['run', '--config', syntax, '--prompt', 'x']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON at line 1, column 32/);
  });

  it('Bedrock with a named profile from ~/.aws files, and with AWS_BEARER_TOKEN_BEDROCK', async () => {
    const home = process.env.HOME!;
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '[profile dev]\nregion = us-east-1\n');
    writeFileSync(join(home, '.aws', 'credentials'), `[dev]\naws_access_key_id = ${KEYS.awsSession.accessKeyId}\naws_secret_access_key = ${KEYS.awsSession.secretAccessKey}\naws_session_token = ${KEYS.awsSession.sessionToken}\n`);
    const profiled = writeConfig('profile.json', [{ ...deploymentsFor(emulators).bedrock, profile: 'dev' }]);
    const withProfile = await cli(['run', '--config', profiled, '--prompt', 'Hi', '--format', 'json'], {});
    assert.equal(withProfile.code, 0, withProfile.stdout);
    assert.match(emulators.bedrock.server.requests[0]?.headers.authorization ?? '', /Credential=ASIAFANOUTTEST\//);
    const missingProfile = writeConfig('no-profile.json', [{ ...deploymentsFor(emulators).bedrock, profile: 'nobody' }]);
    const missing = JSON.parse((await cli(['run', '--config', missingProfile, '--prompt', 'Hi', '--format', 'json'], {})).stdout).results[0];
    assert.equal(missing.error.kind, 'auth');
    assert.match(missing.error.message, /profile "nobody"/);
    const bearer = await cli(['run', '--config', config, '--prompt', 'Hi', '--deployments', 'bedrock-haiku', '--format', 'json'], { AWS_BEARER_TOKEN_BEDROCK: KEYS.bedrockApiKey });
    assert.equal(bearer.code, 0, bearer.stdout);
    assert.equal(emulators.bedrock.server.requests.at(-1)?.headers.authorization, `Bearer ${KEYS.bedrockApiKey}`);
  });

  it('Vertex with Application Default Credentials from a metadata server', async () => {
    const adc = writeConfig('adc.json', [deploymentsFor(emulators).vertex]);
    const saved = { host: process.env.GCE_METADATA_HOST, detection: process.env.METADATA_SERVER_DETECTION };
    process.env.GCE_METADATA_HOST = emulators.google.metadataHost;
    process.env.METADATA_SERVER_DETECTION = 'assume-present';
    try {
      const { code, stdout } = await cli(['run', '--config', adc, '--prompt', 'Hi', '--format', 'json'], {});
      assert.equal(code, 0, stdout);
      assert.ok(emulators.google.tokensIssued >= 1);
      assert.equal(emulators.google.server.requests.find((request) => request.path.includes(':streamGenerateContent'))?.headers.authorization, 'Bearer test-metadata-token-0001');
    } finally {
      process.env.GCE_METADATA_HOST = saved.host;
      process.env.METADATA_SERVER_DETECTION = saved.detection;
      if (saved.host === undefined) delete process.env.GCE_METADATA_HOST;
    }
  });

  it('the built binary runs as a process: only json on stdout, exit code set', async () => {
    const outcome = await new Promise<Outcome>((done) => {
      execFile(process.execPath, [resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini,azure-gpt4o,bedrock-haiku,vertex-flash,gemini-flash', '--format', 'json'],
        { env: { ...process.env, ...env() }, timeout: 20_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(outcome.code, 0, outcome.stderr);
    // with GEMINI_API_KEY set, genai logs about the Vertex client on console.debug: stdout must still be one JSON document
    assert.deepEqual(JSON.parse(outcome.stdout).results.map((r: { status: string }) => r.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('the process ends as soon as the report is out: kept connections are closed, not left to a keep-alive timeout', async () => {
    // servers that would keep an idle connection for ten minutes: a CLI that waited for them would run into this test's bound
    const servers = [emulators.openai, emulators.bedrock, emulators.google].map((emulator) => (emulator.server as unknown as { h1: { keepAliveTimeout: number } }).h1);
    const saved = servers.map((server) => server.keepAliveTimeout);
    for (const server of servers) server.keepAliveTimeout = 600_000;
    try {
      const outcome = await new Promise<Outcome>((done) => {
        execFile(process.execPath, [resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', 'Hi', '--deployments', 'openai-mini,bedrock-haiku,gemini-flash', '--repeat', '2', '--format', 'json'],
          { env: { ...process.env, ...env() }, timeout: 20_000 },
          (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
      });
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.deepEqual(JSON.parse(outcome.stdout).results.map((r: { metrics: { connection: string } }) => r.metrics.connection), ['new', 'new', 'new', 'reused', 'reused', 'reused']);
    } finally {
      servers.forEach((server, index) => (server.keepAliveTimeout = saved[index]!));
    }
  });
});
