/** `fanout eval` against the emulators, in process and as the built binary (a SIGKILL mid-run, then --resume). */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import type { RecordedRequest } from '../emulators/server';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';

const PROMPTFOO_FILE = `# a promptfoo config, unchanged
description: Capitals
providers: [openai:gpt-4o-mini]
prompts:
  - "Name the capital of {{country}} in one word."
defaultTest:
  assert:
    - type: latency
      threshold: 30000
tests:
  - description: France
    vars: { country: France }
    assert:
      - type: icontains
        value: fanout
      - type: not-contains
        value: "{{country}}"
  - vars: { country: Spain }
    assert:
      - type: contains-any
        value: [streams, Madrid]
      - type: regex
        value: '^\\[\\S+\\] '
  - vars: { country: Peru }
    assert:
      - type: equals
        value: Lima
`;

/** The most requests a server had open at once, from each request's start and end. */
function maxOverlap(requests: readonly RecordedRequest[]): number {
  const edges = requests.flatMap((request) => [[request.startedAt, 1], [request.closedAt ?? Infinity, -1]] as const);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (open += change));
  return most;
}

describe('fanout eval', () => {
  let emulators: Emulators;
  let dir: string;
  let config: string;
  const env = { OPENAI_API_KEY: KEYS.openai, AZURE_OPENAI_API_KEY: KEYS.azure, GEMINI_API_KEY: KEYS.gemini, AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey, VERTEX_TOKEN: KEYS.vertexToken };
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['eval', '--config', config, ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, readStdin: async () => '' });
    return { code, stdout, stderr };
  };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const sent = (): RecordedRequest[] => [...emulators.openai.server.requests, ...emulators.bedrock.server.requests, ...emulators.google.server.requests];

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-eval-'));
    const all = deploymentsFor(emulators);
    // every provider kind; the compatible server here is the OpenAI emulator, which wants a key
    config = file('fanout.json', JSON.stringify({ deployments: [all.openai, all.azure, all.bedrock, { ...all.vertex, apiKeyEnv: 'VERTEX_TOKEN' }, all.gemini, { ...all.compatible, apiKeyEnv: 'OPENAI_API_KEY' }, { ...all.vertexOpenai, apiKeyEnv: 'VERTEX_TOKEN' }] }));
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('runs a promptfoo tests file unchanged on every provider kind: JSON exactly as DESIGN, exit 1 when one fails', async () => {
    const tests = file('promptfoo.yaml', PROMPTFOO_FILE);
    const { code, stdout, stderr } = await cli(['--tests', tests, '--format', 'json']);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /providers: not used — the deployments come from --config/);
    assert.match(stderr, /21 cases to run on 7 deployments; estimated at most \$/);
    const document = JSON.parse(stdout);
    assert.deepEqual(Object.keys(document), ['summary', 'cases']);
    assert.equal(document.summary.length, 7);
    for (const row of document.summary) {
      assert.deepEqual(Object.keys(row), ['deployment', 'cases', 'passed', 'failed', 'errors', 'passRate', 'ttftP50', 'ttftP95', 'totalP50', 'totalP95', 'costUsd']);
      assert.deepEqual([row.cases, row.passed, row.failed, row.errors], [3, 2, 1, 0], row.deployment);
      assert.equal(row.passRate, 2 / 3);
      assert.ok(row.ttftP50 > 0 && row.totalP95 >= row.totalP50);
    }
    assert.equal(document.cases.length, 21);
    const [first] = document.cases;
    assert.deepEqual(Object.keys(first).slice(0, 10), ['test', 'vars', 'deployment', 'repeat', 'status', 'text', 'pass', 'assertions', 'metrics', 'error']);
    assert.deepEqual([first.test, first.vars, first.deployment, first.repeat, first.status, first.pass], ['France', { country: 'France' }, 'openai-mini', 1, 'ok', true]);
    assert.deepEqual(first.assertions.map((outcome: { type: string }) => outcome.type), ['latency', 'icontains', 'not-contains']);
    assert.deepEqual(Object.keys(first.assertions[0]), ['type', 'pass', 'reason']);
    const peru = document.cases.find((evaluationCase: { test: string }) => evaluationCase.test === 'tests[2]');
    assert.equal(peru.assertions[1].pass, false);
    assert.match(peru.assertions[1].reason, /is not "Lima"/);
    assert.deepEqual(document.cases.map((evaluationCase: { deployment: string }) => evaluationCase.deployment).slice(0, 7), ['openai-mini', 'azure-gpt4o', 'bedrock-haiku', 'vertex-flash', 'gemini-flash', 'local-llama', 'vertex-gpt-oss'], 'cases in plan order');
  });

  it('JUnit, Markdown and the table report the same run; exit 0 when every assertion holds', async () => {
    const tests = file('passing.yaml', 'prompts: ["Say hi to {{name}}"]\ntests:\n  - vars: { name: Ada }\n    assert: [{ type: contains, value: Fanout }]\n  - vars: { name: "<Bob & co>" }\n    assert: [{ type: not-icontains, value: "{{name}}" }]\n');
    const junit = await cli(['--tests', tests, '--deployments', 'openai-mini,gemini-flash', '--format', 'junit']);
    assert.equal(junit.code, 0, junit.stderr);
    assert.match(junit.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="fanout eval" tests="4" failures="0" errors="0" time="[\d.]+">/);
    assert.match(junit.stdout, /<testsuite name="gemini-flash" tests="2" failures="0" errors="0" skipped="0" time="[\d.]+">/);
    assert.match(junit.stdout, /<testcase name="tests\[1\]" classname="fanout.openai-mini" time="[\d.]+"\/>/);
    const markdown = await cli(['--tests', tests, '--deployments', 'openai-mini', '--format', 'markdown']);
    assert.match(markdown.stdout, /^## Fanout evaluation\n\n✅ all 2 cases passed\n\n\| deployment \| pass rate \|/);
    assert.match(markdown.stdout, /\| openai-mini \| 100% \| 2 \| 0 \| 0 \| \d+ ms \/ \d+ ms \|/);
    const table = await cli(['--tests', tests, '--deployments', 'openai-mini']);
    assert.match(table.stdout, /^deployment\s+pass rate\s+passed\s+failed\s+errors\s+ttft p50 \/ p95\s+total p50 \/ p95\s+cost\n/);
  });

  it('a failure in JUnit and Markdown carries the failing reason; an errored deployment is an <error>', async () => {
    const tests = file('failing.yaml', 'prompts: ["Hi"]\ntests:\n  - description: wants Paris\n    assert: [{ type: contains, value: Paris }]\n');
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o': { error: { status: 400, message: 'bad request from the test' } } } });
    const junit = await cli(['--tests', tests, '--deployments', 'openai-mini,azure-gpt4o', '--format', 'junit']);
    assert.equal(junit.code, 1);
    assert.match(junit.stdout, /<failure message="contains: the answer does not contain &quot;Paris&quot;" type="assertion">/);
    assert.match(junit.stdout, /<testsuite name="azure-gpt4o" tests="1" failures="0" errors="1"[^>]*>\n\s+<testcase [^>]+>\n\s+<error message="bad_request: /);
    const markdown = await cli(['--tests', tests, '--deployments', 'openai-mini', '--format', 'markdown']);
    assert.match(markdown.stdout, /❌ 1 of 1 cases failed or errored/);
    assert.match(markdown.stdout, /<details><summary>1 failing case<\/summary>\n\n- \*\*wants Paris\*\* on `openai-mini`: contains: the answer does not contain "Paris"/);
  });

  it('CSV and JSONL datasets of vars, with promptfoo\'s __expected columns', async () => {
    file('rows.csv', 'name,__expected,__description\nAda,contains: Fanout,first\n"Bob, Jr.",not-contains: Paris,second\nCy,grade: polite,third\n');
    const csv = file('csv.yaml', 'prompts: ["Greet {{name}}"]\ngrader: azure-gpt4o\ntests: rows.csv\n');
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o': { ignoreFormat: true, text: '{"reason": "it greets", "pass": true, "score": 1}' } } });
    const run = await cli(['--tests', csv, '--deployments', 'openai-mini', '--format', 'json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const cases = JSON.parse(run.stdout).cases;
    assert.deepEqual(cases.map((evaluationCase: { test: string; vars: unknown }) => [evaluationCase.test, evaluationCase.vars]), [['first', { name: 'Ada' }], ['second', { name: 'Bob, Jr.' }], ['third', { name: 'Cy' }]]);
    assert.equal(cases[2].assertions[0].type, 'llm-rubric');
    file('rows.jsonl', '{"name": "Ada"}\n\n{"vars": {"name": "Bob"}, "assert": [{"type": "starts-with", "value": "["}]}\n');
    const jsonl = file('jsonl.yaml', 'prompts: ["Greet {{name}}"]\ntests: file://rows.jsonl\n');
    const lines = await cli(['--tests', jsonl, '--deployments', 'bedrock-haiku', '--format', 'json']);
    assert.equal(lines.code, 0, lines.stderr);
    assert.deepEqual(JSON.parse(lines.stdout).cases.map((evaluationCase: { vars: unknown }) => evaluationCase.vars), [{ name: 'Ada' }, { name: 'Bob' }]);
  });

  it('llm-rubric: the grader deployment judges; its cost is counted apart from the answers\'', async () => {
    const tests = file('rubric.yaml', 'prompts: ["Greet {{name}}"]\ngrader: azure-gpt4o\ntests:\n  - vars: { name: Ada }\n    assert: [{ type: llm-rubric, value: is polite }]\n  - vars: { name: Bob }\n    assert: [{ type: llm-rubric, value: is polite, threshold: 0.8 }]\n');
    emulators.openai.behaviour.reset({ byModel: { 'gpt-4o': { ignoreFormat: true, text: '{"reason": "a warm greeting", "pass": true, "score": 0.5}' } } });
    const { code, stdout } = await cli(['--tests', tests, '--deployments', 'gemini-flash', '--format', 'json']);
    assert.equal(code, 1);
    const document = JSON.parse(stdout);
    assert.deepEqual(document.cases.map((evaluationCase: { assertions: Array<{ pass: boolean; reason: string }> }) => evaluationCase.assertions[0]),
      [{ type: 'llm-rubric', pass: true, reason: 'azure-gpt4o: a warm greeting (score 0.5)' }, { type: 'llm-rubric', pass: false, reason: 'azure-gpt4o: a warm greeting (score 0.5, threshold 0.8)' }]);
    const graded = emulators.openai.server.requests.filter((request) => request.path.includes('/openai/deployments/prod-gpt4o/'));
    assert.equal(graded.length, 2, 'one grading call per rubric');
    assert.match(graded[0]!.body, /<rubric>\\nis polite\\n<\/rubric>/);
    assert.ok(document.cases[0].metrics.graderCostUsd > 0);
    assert.equal(document.summary[0].costUsd, document.cases[0].metrics.costUsd + document.cases[1].metrics.costUsd, 'the summary counts the answers only');
    const table = await cli(['--tests', tests, '--deployments', 'gemini-flash']);
    assert.match(table.stdout, /Grading \(llm-rubric\) cost \$[\d.e-]+, not counted in the deployments' cost\./);
  });

  it('--repeat runs every case N times, numbered 1…N', async () => {
    const tests = file('repeat.yaml', 'prompt: "Hi {{n}}"\ntests: [{ vars: { n: 1 } }, { vars: { n: 2 } }]\n');
    const { code, stdout } = await cli(['--tests', tests, '--deployments', 'openai-mini', '--repeat', '3', '--format', 'json']);
    assert.equal(code, 0);
    const cases = JSON.parse(stdout).cases;
    assert.deepEqual(cases.map((evaluationCase: { test: string; repeat: number }) => `${evaluationCase.test}#${evaluationCase.repeat}`), ['tests[0]#1', 'tests[0]#2', 'tests[0]#3', 'tests[1]#1', 'tests[1]#2', 'tests[1]#3']);
    assert.equal(emulators.openai.server.requests.length, 6);
  });

  it('--concurrency is never exceeded: the most requests open at the emulator, per deployment', async () => {
    const tests = file('load.yaml', `prompt: "Hi {{n}}"\ntests:\n${Array.from({ length: 12 }, (_, n) => `  - vars: { n: ${n} }\n`).join('')}`);
    emulators.openai.behaviour.reset({ default: { firstTokenDelayMs: 40, tokens: 3 } });
    emulators.google.behaviour.reset({ default: { firstTokenDelayMs: 40, tokens: 3 } });
    const { code } = await cli(['--tests', tests, '--deployments', 'openai-mini,gemini-flash', '--concurrency', '3']);
    assert.equal(code, 0);
    const openai = emulators.openai.server.requests;
    const gemini = emulators.google.server.requests;
    assert.deepEqual([openai.length, gemini.length], [12, 12]);
    assert.equal(maxOverlap(openai), 3, 'openai-mini reached its limit and never passed it');
    assert.equal(maxOverlap(gemini), 3, 'gemini-flash too');
  });

  it('a 429 with retry-after pauses the whole deployment: nothing starts there before it ends', async () => {
    const tests = file('limited.yaml', `prompt: "Hi {{n}}"\ntests:\n${Array.from({ length: 6 }, (_, n) => `  - vars: { n: ${n} }\n`).join('')}`);
    emulators.openai.behaviour.reset({ default: { firstTokenDelayMs: 20, tokens: 2 } });
    emulators.openai.behaviour.next({ firstTokenDelayMs: 20, tokens: 2 }, { error: { status: 429, headers: { 'retry-after': '1' } } });
    const { code } = await cli(['--tests', tests, '--deployments', 'openai-mini', '--concurrency', '2']);
    assert.equal(code, 0);
    const requests = emulators.openai.server.requests;
    assert.equal(requests.length, 7, 'six cases and one retry');
    const limited = requests[1]!;
    const after = requests.slice(2);
    assert.ok(after.every((request) => request.startedAt >= limited.startedAt + 990), `every later request waited out the retry-after: ${after.map((request) => Math.round(request.startedAt - limited.startedAt)).join(', ')} ms`);
  });

  it('--max-cost stops cleanly, keeps what was done, and --resume finishes without resending it', async () => {
    const expensive = JSON.parse(readFileSync(config, 'utf8')).deployments[0];
    const priced = file('priced.json', JSON.stringify({ deployments: [{ ...expensive, pricing: { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 } }] }));
    const tests = file('budget.yaml', `prompt: "Hi {{n}}"\ntests:\n${Array.from({ length: 5 }, (_, n) => `  - vars: { n: ${n} }\n`).join('')}`);
    const output = join(dir, 'budget.jsonl');
    const stopped = await main(['eval', '--config', priced, '--tests', tests, '--concurrency', '1', '--max-cost', '1', '--output', output, '--format', 'json'], { stdout: () => {}, stderr: (text) => assert.match(text, /case|--max-cost/), env, readStdin: async () => '' });
    assert.equal(stopped, 1);
    assert.equal(emulators.openai.server.requests.length, 1, 'the first case reached the budget: nothing more was sent');
    let stdout = '';
    let stderr = '';
    const resumed = await main(['eval', '--config', priced, '--tests', tests, '--resume', output, '--format', 'json'], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, readStdin: async () => '' });
    assert.equal(resumed, 0, stderr);
    assert.match(stderr, /4 cases to run on 1 deployment \(1 already in /);
    assert.equal(emulators.openai.server.requests.length, 5, 'the resume sent only the four missing cases');
    assert.equal(JSON.parse(stdout).cases.length, 5, 'and reports all five as if run at once');
  });

  it('--resume skips a torn or corrupt line with a warning and runs that case again', async () => {
    const tests = file('torn.yaml', 'prompt: "Hi {{n}}"\ntests: [{ vars: { n: 1 } }, { vars: { n: 2 } }, { vars: { n: 3 } }]\n');
    const output = join(dir, 'torn.jsonl');
    assert.equal((await cli(['--tests', tests, '--deployments', 'openai-mini', '--output', output])).code, 0);
    const [first, second] = readFileSync(output, 'utf8').split('\n');
    writeFileSync(output, `${first}\nnot json at all\n${second!.slice(0, 40)}`); // the third line lost, the second torn
    emulators.reset();
    const { code, stderr, stdout } = await cli(['--tests', tests, '--deployments', 'openai-mini', '--resume', output, '--format', 'json']);
    assert.equal(code, 0);
    assert.match(stderr, /skipped 2 torn or corrupt lines \(those cases run again\)/);
    assert.equal(emulators.openai.server.requests.length, 2);
    assert.deepEqual(JSON.parse(stdout).cases.map((evaluationCase: { vars: { n: string } }) => evaluationCase.vars.n), ['1', '2', '3']);
  });

  it('a SIGKILL mid-run, then --resume: nothing lost, no finished case sent again (built binary)', async function () {
    this.timeout(60_000);
    const count = 40;
    const tests = file('kill.yaml', `prompt: "Hi {{n}}"\ntests:\n${Array.from({ length: count }, (_, n) => `  - vars: { n: ${n} }\n`).join('')}`);
    const output = join(dir, 'kill.jsonl');
    emulators.openai.behaviour.reset({ default: { firstTokenDelayMs: 30, tokens: 2 } });
    emulators.bedrock.behaviour.reset({ default: { firstTokenDelayMs: 30, tokens: 2 } });
    const binary = resolve('bin/fanout.js');
    assert.ok(existsSync(resolve('dist/cli.js')), 'built');
    const child = spawn(process.execPath, [binary, 'eval', '--config', config, '--tests', tests, '--deployments', 'openai-mini,bedrock-haiku', '--concurrency', '2', '--output', output], { env: { ...process.env, ...env }, stdio: 'ignore' });
    let over = false;
    const exited = new Promise((done) => child.once('exit', () => done((over = true))));
    const lines = (): number => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean).length : 0);
    while (lines() < 10 && !over) await new Promise((done) => setTimeout(done, 5));
    assert.equal(over, false, 'the run was still going when killed');
    child.kill('SIGKILL');
    await exited;
    const kept = lines();
    assert.ok(kept < count * 2, 'killed mid-run');
    const sentBefore = sent().length;
    emulators.reset();
    emulators.openai.behaviour.reset({ default: { tokens: 2 } });
    const resumed = await cli(['--tests', tests, '--deployments', 'openai-mini,bedrock-haiku', '--resume', output, '--format', 'json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(sent().length, count * 2 - kept, `the resume sent exactly the ${count * 2 - kept} missing cases (the killed run had sent ${sentBefore})`);
    const cases = JSON.parse(resumed.stdout).cases;
    assert.equal(cases.length, count * 2);
    const keys = readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).key as string);
    assert.equal(new Set(keys).size, keys.length, 'every case once in the file');
    assert.equal(keys.length, count * 2);
  });
});
