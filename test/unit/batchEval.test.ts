/**
 * `fanout eval --batch` and `fanout batch status|fetch|cancel` end to end against the batch emulators, as a table
 * over deployments: each row is one cloud's batch path (its deployment, the credential it reads, and how its
 * emulator's batch knobs are set). A cloud's batch helper adds its kind by adding a row to BATCH_KINDS.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { batchAdapterOf } from '../../src/core/batch/batchSupport';
import type { Deployment } from '../../src/core/config/deployment';
import type { CaseLine } from '../../src/core/evaluation/evaluationCase';
import { main } from '../../src/cli/main';
import type { RecordedRequest } from '../emulators/server';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';

/** What every batch emulator offers the tests (each cloud maps them onto its own knobs). */
export interface BatchKnobs {
  /** Each state's length, ms (tiny by default). */
  stateMs?: number;
  /** How long the job runs (in_progress / RUNNING / InProgress), ms; default twice stateMs. */
  runningMs?: number;
  /** How long a cancel takes, ms; default stateMs. */
  cancellingMs?: number;
  /** Lines whose case key matches fail with the cloud's server error. */
  failing?: (customId: string) => boolean;
  /** The job expires after this many lines. */
  expireAfter?: number;
  /** A cancelled job has answered this many lines. */
  cancelKeeps?: number;
}

export interface BatchKind {
  label: string;
  deployment(emulators: Emulators): Deployment;
  /** The deployment as a user gets it wrong, and the config problem that names it (nothing may be uploaded). */
  misconfigured?: { deployment(emulators: Emulators): Deployment; problem: RegExp };
  knobs(emulators: Emulators, knobs: BatchKnobs): void;
  /** Requests the cloud's batch control plane saw. */
  requests(emulators: Emulators): RecordedRequest[];
  /** Where every control-plane request must go (Azure: the resource's /openai/files and /openai/batches, with api-version). */
  paths: RegExp;
  /** How many jobs the cloud's control plane was asked to create. */
  jobsCreated(emulators: Emulators): number;
}

/** The tests' size for this kind: at least 20 cases, and at least its cloud's fewest records a job (Bedrock: 100), a multiple of 10. */
async function rowsFor(kind: BatchKind, emulators: Emulators): Promise<number> {
  const { minItems } = (await batchAdapterOf(kind.deployment(emulators))).limits;
  return Math.max(20, Math.ceil(minItems / 10) * 10);
}

const openaiKnobs = (emulators: Emulators, knobs: BatchKnobs): void => {
  const ms = knobs.stateMs ?? 15;
  emulators.openai.batches.knobs = { validatingMs: ms, inProgressMs: knobs.runningMs ?? ms * 2, finalizingMs: ms, cancellingMs: knobs.cancellingMs ?? ms, ...(knobs.failing ? { failing: knobs.failing } : {}), ...(knobs.expireAfter !== undefined ? { expireAfter: knobs.expireAfter } : {}), ...(knobs.cancelKeeps !== undefined ? { cancelKeeps: knobs.cancelKeeps } : {}) };
};

export const BATCH_KINDS: BatchKind[] = [
  {
    label: 'OpenAI',
    deployment: (emulators) => deploymentsFor(emulators).openai,
    knobs: openaiKnobs,
    requests: (emulators) => emulators.openai.server.requests.filter((request) => /\/(files|batches)/.test(request.path)),
    paths: /^\/v1\/(files|batches)(\/[\w-]+(\/(content|cancel))?)?$/,
    jobsCreated: (emulators) => emulators.openai.server.requests.filter((request) => request.method === 'POST' && /\/batches$/.test(request.path.split('?')[0]!)).length,
  },
  {
    label: 'Azure OpenAI',
    deployment: (emulators) => ({ ...deploymentsFor(emulators).azure, batch: { deployment: 'batch-gpt4o' } }),
    misconfigured: { deployment: (emulators) => deploymentsFor(emulators).azure, problem: /^fanout: deployment "azure-gpt4o": Azure OpenAI runs batches only on a Global Batch or Data Zone Batch deployment — .* add "batch": \{"deployment": "NAME"\}/ },
    knobs: openaiKnobs,
    requests: (emulators) => emulators.openai.server.requests.filter((request) => /\/(files|batches)/.test(request.path)),
    paths: /^\/openai\/(files|batches)(\/[\w-]+(\/(content|cancel))?)?\?api-version=2024-10-21$/,
    jobsCreated: (emulators) => emulators.openai.server.requests.filter((request) => request.method === 'POST' && /\/batches$/.test(request.path.split('?')[0]!)).length,
  },
];

const CASES = 20_000;
const COUNTRIES = ['France', 'Spain', 'Peru', 'Japan', 'Kenya', 'Chile', 'Norway', 'Egypt'];
const env = { OPENAI_API_KEY: KEYS.openai, AZURE_OPENAI_API_KEY: KEYS.azure, GEMINI_API_KEY: KEYS.gemini, AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey, VERTEX_TOKEN: KEYS.vertexToken };

describe('fanout eval --batch', function () {
  this.timeout(180_000);
  let emulators: Emulators;
  let dir: string;
  let count = 0;
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, readStdin: async () => '' });
    return { code, stdout, stderr };
  };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const fresh = (name: string): string => join(dir, `${name}-${++count}.jsonl`);
  /** A tests file of `rows` cases: each asks for a capital; the emulator's answer holds "Fanout", so even rows pass. */
  const testsFile = (rows: number): string => {
    const csv = ['country,want', ...Array.from({ length: rows }, (_, index) => `${COUNTRIES[index % COUNTRIES.length]} ${index},${index % 2 ? 'Lima' : 'fanout'}`)].join('\n');
    const data = file(`rows-${rows}.csv`, `${csv}\n`);
    return file(`tests-${rows}.yaml`, `prompts: ["Name the capital of {{country}} in one word."]\ndefaultTest:\n  assert:\n    - type: icontains\n      value: "{{want}}"\ntests: ${data}\n`);
  };
  const configOf = (deployments: Deployment[]): string => file(`fanout-${++count}.json`, JSON.stringify({ deployments }));
  const linesOf = (path: string): unknown[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
  const casesOf = (path: string): CaseLine[] => linesOf(path).filter((line): line is CaseLine => typeof (line as CaseLine).key === 'string');

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-batch-'));
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  for (const kind of BATCH_KINDS) {
    describe(kind.label, () => {
      it(`a ${CASES.toLocaleString('en')}-case job lands in the same results as the streamed run, priced at half`, async () => {
        kind.knobs(emulators, {});
        const deployment = kind.deployment(emulators);
        const config = configOf([deployment]);
        const output = fresh('big');
        const batch = await cli(['eval', '--config', config, '--tests', testsFile(CASES), '--batch', '--poll-ms', '20', '--output', output, '--format', 'json']);
        assert.equal(batch.code, 1, batch.stderr); // odd rows want "Lima": they fail, as streamed
        const report = JSON.parse(batch.stdout) as { summary: Array<Record<string, unknown>>; cases: Array<{ text: string; pass: boolean; metrics: Record<string, unknown> }> };
        assert.equal(report.cases.length, CASES);
        assert.equal(report.summary[0]!.passed, CASES / 2);
        assert.equal(report.summary[0]!.batchCases, CASES);
        assert.ok(report.cases.every((evaluationCase) => evaluationCase.metrics.batch === true && evaluationCase.metrics.ttftMs === null && evaluationCase.metrics.tokensPerSecond === null));
        assert.equal(kind.jobsCreated(emulators), 1, 'one job');
        for (const request of kind.requests(emulators)) assert.match(request.path, kind.paths);

        // the same cases streamed (the first 40 rows: the answers depend on the prompt, not on how many there are)
        emulators.reset();
        const streamedOutput = fresh('streamed');
        const streamed = await cli(['eval', '--config', config, '--tests', testsFile(40), '--output', streamedOutput, '--format', 'json']);
        assert.equal(streamed.code, 1, streamed.stderr);
        const streamedCases = (JSON.parse(streamed.stdout) as typeof report).cases;
        for (let index = 0; index < 40; index++) {
          const [one, other] = [report.cases[index]!, streamedCases[index]!];
          assert.equal(one.text, other.text);
          assert.equal(one.pass, other.pass);
          assert.equal(one.metrics.inputTokens, other.metrics.inputTokens);
          assert.equal(one.metrics.outputTokens, other.metrics.outputTokens);
          assert.ok(typeof other.metrics.costUsd === 'number' && other.metrics.costUsd > 0);
          assert.ok(Math.abs((one.metrics.costUsd as number) - (other.metrics.costUsd as number) / 2) < 1e-12, 'half the streamed price');
          assert.equal(one.metrics.streamedCostUsd, other.metrics.costUsd);
        }
        assert.equal(new Set(casesOf(output).map((line) => line.key)).size, casesOf(output).length, 'no case twice');
      });

      it('a job that expires half done keeps its answers, names the rest, and --resume sends only those', async () => {
        const n = await rowsFor(kind, emulators);
        kind.knobs(emulators, { expireAfter: n / 2 });
        const config = configOf([kind.deployment(emulators)]);
        const tests = testsFile(n);
        const output = fresh('expired');
        const first = await cli(['eval', '--config', config, '--tests', tests, '--batch', '--poll-ms', '10', '--output', output]);
        assert.equal(first.code, 1);
        assert.match(first.stderr, new RegExp(`${n / 2} cases never answered \\(the job expired, was cancelled or failed\\) — fanout eval --batch --resume`));
        assert.equal(casesOf(output).length, n / 2);
        assert.ok(casesOf(output).every((line) => line.status === 'ok'));

        kind.knobs(emulators, {});
        const resumed = await cli(['eval', '--config', config, '--tests', tests, '--batch', '--poll-ms', '10', '--resume', output, '--format', 'json']);
        assert.equal(resumed.code, 1, resumed.stderr); // the "Lima" rows fail
        const cases = casesOf(output);
        assert.equal(cases.length, n);
        assert.equal(new Set(cases.map((line) => line.key)).size, n);
        assert.equal((JSON.parse(resumed.stdout) as { cases: unknown[] }).cases.length, n);
      });

      it('an output with error lines: those cases are errors with the cloud\'s reason, the rest are answers', async () => {
        const n = await rowsFor(kind, emulators);
        kind.knobs(emulators, { failing: (customId) => Number(customId.split('/')[0]) % 5 === 0 });
        const output = fresh('errors');
        const run = await cli(['eval', '--config', configOf([kind.deployment(emulators)]), '--tests', testsFile(n), '--batch', '--poll-ms', '10', '--output', output, '--format', 'json']);
        assert.equal(run.code, 1);
        const report = JSON.parse(run.stdout) as { summary: Array<{ errors: number; cases: number }>; cases: Array<{ status: string; error: { kind: string; message: string } | null }> };
        assert.equal(report.summary[0]!.cases, n);
        assert.equal(report.summary[0]!.errors, n / 5);
        const errors = report.cases.filter((evaluationCase) => evaluationCase.status === 'error');
        assert.equal(errors.length, n / 5);
        for (const evaluationCase of errors) {
          assert.equal(evaluationCase.error!.kind, 'server');
          assert.match(evaluationCase.error!.message, /had a server error/);
        }
      });

      it('cancel: the job stops, what it finished comes in with fetch, the rest are named', async () => {
        // runs for a minute unless cancelled: the cancel always lands while it runs, however slow the machine
        const n = await rowsFor(kind, emulators);
        kind.knobs(emulators, { runningMs: 60_000, cancelKeeps: 6 });
        const config = configOf([kind.deployment(emulators)]);
        const output = fresh('cancel');
        const submitted = await cli(['eval', '--config', config, '--tests', testsFile(n), '--batch', '--no-wait', '--output', output]);
        assert.equal(submitted.code, 0, submitted.stderr);
        assert.match(submitted.stderr, /1 batch job recorded in .* — follow with fanout batch status --output/);
        const status = await cli(['batch', 'status', '--output', output]);
        assert.equal(status.code, 0, status.stderr);
        assert.match(status.stdout, /validating|in_progress \(running\)/);
        const jobId = /^[^:]+: (\S+) /.exec(status.stdout)![1]!;
        const early = await cli(['batch', 'fetch', '--output', output, '--format', 'json']);
        assert.equal(early.code, 1, 'cases are still out');
        assert.match(early.stderr, /1 job is still running — fanout batch fetch --output .* again later \(or with --wait\)/);
        assert.equal((JSON.parse(early.stdout) as { cases: unknown[] }).cases.length, 0);
        const other = await cli(['batch', 'cancel', '--output', output, 'batch_nope']);
        assert.equal(other.code, 2);
        assert.equal(other.stderr, `fanout: batch: no job "batch_nope" in ${output} — its jobs: ${jobId}\n`);
        const cancel = await cli(['batch', 'cancel', '--output', output, jobId]);
        assert.equal(cancel.code, 0, cancel.stderr);
        assert.match(cancel.stderr, /cancel sent for 1 job/);
        const fetched = await cli(['batch', 'fetch', '--output', output, '--wait', '--poll-ms', '20', '--format', 'json']);
        assert.equal(fetched.code, 1);
        assert.match(fetched.stderr, /cancelled/);
        assert.match(fetched.stderr, new RegExp(`${n - 6} cases never answered`));
        assert.equal(casesOf(output).length, 6);
      });

      it('the CLI killed between submit and fetch: fanout batch fetch gets everything once; fetching twice adds nothing', async function () {
        const n = await rowsFor(kind, emulators);
        kind.knobs(emulators, { runningMs: 3000 });
        const binary = resolve('dist/cli.js');
        assert.ok(existsSync(binary), 'built');
        const config = configOf([kind.deployment(emulators)]);
        const tests = testsFile(n);
        const output = fresh('killed');
        const child = spawn(process.execPath, [binary, 'eval', '--config', config, '--tests', tests, '--batch', '--poll-ms', '20', '--output', output], { env: { ...process.env, ...env }, stdio: 'ignore' });
        const exited = new Promise((done) => child.once('exit', done));
        // wait for the job line to be on disk, then kill it before it can fetch
        for (let waited = 0; !(existsSync(output) && readFileSync(output, 'utf8').includes('"batchJob"')); waited += 10) {
          assert.ok(waited < 60_000, 'the job was recorded');
          await new Promise((done) => setTimeout(done, 10));
        }
        child.kill('SIGKILL');
        await exited;
        assert.equal(casesOf(output).length, 0, 'killed before fetching');
        const fetched = await cli(['batch', 'fetch', '--output', output, '--wait', '--poll-ms', '20']);
        assert.equal(fetched.code, 1, fetched.stderr); // the Lima rows
        assert.match(fetched.stdout, new RegExp(`Batch: .*'s ${n} cases ran through its cloud's batch service at the batch rate`));
        assert.equal(casesOf(output).length, n);
        const again = await cli(['batch', 'fetch', '--output', output, '--format', 'json']);
        assert.equal(again.code, 1);
        assert.equal(casesOf(output).length, n, 'no case fetched twice');
        assert.equal((JSON.parse(again.stdout) as { cases: unknown[] }).cases.length, n);
        const secrets = readFileSync(output, 'utf8');
        for (const secret of [KEYS.openai, KEYS.azure, KEYS.gemini, KEYS.vertexToken, KEYS.aws.secretAccessKey]) assert.ok(!secrets.includes(secret), 'no secret in the results file');
      });

      if (kind.misconfigured) {
        it('a config problem is named before anything is uploaded', async () => {
          const run = await cli(['eval', '--config', configOf([kind.misconfigured!.deployment(emulators)]), '--tests', testsFile(20), '--batch', '--output', fresh('problem')]);
          assert.equal(run.code, 2);
          assert.match(run.stderr, kind.misconfigured!.problem);
          assert.equal(run.stderr.trim().split('\n').length, 1);
          assert.equal(kind.requests(emulators).length, 0, 'nothing uploaded');
        });
      }
    });
  }

  it('a deployment without a batch service is named and its cases stream in the same eval', async () => {
    const all = deploymentsFor(emulators);
    const output = fresh('mixed');
    const run = await cli(['eval', '--config', configOf([all.openai, { ...all.compatible, apiKeyEnv: 'OPENAI_API_KEY' }]), '--tests', testsFile(6), '--batch', '--poll-ms', '10', '--output', output, '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /"local-llama": OpenAI-compatible has no batch service — its cases run streamed/);
    const report = JSON.parse(run.stdout) as { cases: Array<{ deployment: string; status: string; metrics: { batch?: boolean; ttftMs: number | null } }> };
    assert.equal(report.cases.length, 12);
    for (const evaluationCase of report.cases) {
      assert.equal(evaluationCase.status, 'ok');
      if (evaluationCase.deployment === 'local-llama') assert.ok(evaluationCase.metrics.batch === undefined && evaluationCase.metrics.ttftMs !== null);
      else assert.equal(evaluationCase.metrics.batch, true);
    }
  });

  it('llm-rubric grading runs streamed on the grader deployment once the answers are fetched', async () => {
    const all = deploymentsFor(emulators);
    openaiKnobs(emulators, {});
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o': { ignoreFormat: true, text: '{"reason": "a warm greeting", "pass": true, "score": 0.5}' } } });
    const tests = file('rubric.yaml', 'prompts: ["Greet {{name}}"]\ngrader: azure-gpt4o\ntests:\n  - vars: { name: Ada }\n    assert: [{ type: llm-rubric, value: is polite }]\n  - vars: { name: Bob }\n    assert: [{ type: llm-rubric, value: is polite, threshold: 0.8 }]\n');
    const run = await cli(['eval', '--config', configOf([all.openai, all.azure]), '--deployments', 'openai-mini', '--tests', tests, '--batch', '--poll-ms', '10', '--output', fresh('rubric'), '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { cases: Array<{ assertions: unknown[]; metrics: { batch: boolean; graderCostUsd: number } }> };
    assert.deepEqual(report.cases.map((evaluationCase) => evaluationCase.assertions[0]),
      [{ type: 'llm-rubric', pass: true, reason: 'azure-gpt4o: a warm greeting (score 0.5)' }, { type: 'llm-rubric', pass: false, reason: 'azure-gpt4o: a warm greeting (score 0.5, threshold 0.8)' }]);
    assert.ok(report.cases.every((evaluationCase) => evaluationCase.metrics.batch && evaluationCase.metrics.graderCostUsd > 0));
    const graded = emulators.openai.server.requests.filter((request) => request.path.includes('/openai/deployments/prod-gpt4o/chat/completions'));
    assert.equal(graded.length, 2, 'one streamed grading call per rubric');
    assert.ok(graded.every((request) => /"stream":true/.test(request.body)));
  });

  it('--max-cost cannot stop a submitted job part way: refused with --batch, nothing sent', async () => {
    const run = await cli(['eval', '--config', configOf([deploymentsFor(emulators).openai]), '--tests', testsFile(6), '--batch', '--max-cost', '1', '--output', fresh('cost')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^fanout: --max-cost: not with --batch/);
    assert.equal(emulators.openai.server.requests.length, 0);
  });

  it('tools and a JSON schema carry into the batch lines: the answers and their checks equal the streamed run\'s', async () => {
    const all = deploymentsFor(emulators);
    openaiKnobs(emulators, {});
    const config = configOf([all.openai, { ...all.azure, batch: { deployment: 'batch-gpt4o' } }]);
    const toolTests = file('tools.yaml', [
      'prompts: ["Weather in {{city}}?"]',
      'tools: [{ name: get_weather, description: Weather now, parameters: { type: object, properties: { city: { type: string } }, required: [city], additionalProperties: false } }]',
      'toolChoice: get_weather',
      'tests:',
      '  - vars: { city: Lima }',
      '    assert: [{ type: tool-call, value: { name: get_weather } }]',
    ].join('\n'));
    const schemaTests = file('schema.yaml', [
      'prompts: ["Describe {{city}}"]',
      'schema: { type: object, properties: { city: { type: string }, sunny: { type: boolean } }, required: [city, sunny], additionalProperties: false }',
      'tests:',
      '  - vars: { city: Oslo }',
      '    assert: [{ type: is-json }, { type: json-schema }]',
    ].join('\n'));
    for (const tests of [toolTests, schemaTests]) {
      const batch = await cli(['eval', '--config', config, '--tests', tests, '--batch', '--poll-ms', '10', '--output', fresh('carry'), '--format', 'json']);
      const streamed = await cli(['eval', '--config', config, '--tests', tests, '--format', 'json']);
      assert.equal(batch.code, 0, batch.stdout + batch.stderr);
      assert.equal(streamed.code, 0, streamed.stdout + streamed.stderr);
      const pick = (stdout: string) => (JSON.parse(stdout) as { cases: Array<{ deployment: string; text: string; pass: boolean; assertions: unknown[] }> }).cases.map(({ deployment, text, pass, assertions }) => ({ deployment, text, pass, assertions }));
      assert.deepEqual(pick(batch.stdout), pick(streamed.stdout));
    }
    const lines = emulators.openai.batches.files;
    const inputs = [...lines.values()].filter((stored) => stored.purpose === 'batch').map((stored) => stored.bytes.toString());
    assert.ok(inputs.some((text) => text.includes('"tool_choice":{"type":"function","function":{"name":"get_weather"}}')));
    assert.ok(inputs.some((text) => text.includes('"response_format":{"type":"json_schema"')));
  });

  it('fanout batch: --help, and each mistake one line (exit 2)', async () => {
    const help = await cli(['batch', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /fanout batch status --output FILE/);
    assert.match((await cli(['--help'])).stdout, /fanout batch status\|fetch\|cancel --output FILE/);
    for (const [args, message] of [
      [['batch', 'status'], /^fanout: --output: missing — name the results file fanout eval --batch recorded its jobs in\n$/],
      [['batch', 'pause', '--output', 'x'], /^fanout: batch: unknown action "pause" — use fanout batch status\|fetch\|cancel --output FILE\n$/],
      [['batch', 'status', '--output', join(dir, 'none.jsonl')], /^fanout: --output: .*none\.jsonl holds no batch jobs — submit some with fanout eval --batch/],
      [['batch', 'status', '--output', 'x', '--wait'], /^fanout: --wait: only with fetch\n$/],
    ] as const) {
      const run = await cli([...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
    }
  });
});
