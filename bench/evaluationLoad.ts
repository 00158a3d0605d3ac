/**
 * Figure 7, `fanout eval` at scale: N cases × 4 deployments (OpenAI, Azure OpenAI, Bedrock, Gemini) on emulators in
 * their own process, answering fast (3 tokens, no delay), each deployment limited to CONCURRENCY in flight. Measured
 * in this process: the CPU per case (the runner, the SDKs, assertions, appending every case to the results file), and
 * Fanout's own share of it against the same calls made straight through the official SDKs in the same run, the heap over the run (after forced GCs: flat, since cases go to disk and are not held), and on the emulator
 * the most requests each deployment had open at once against its limit.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Deployment } from '../src/core/config/deployment';
import type { CredentialResolver } from '../src/core/security/credential';
import { ResultsWriter } from '../src/core/evaluation/resultsFile';
import { runEvaluation } from '../src/core/evaluation/runner';
import { SummaryBuilder } from '../src/core/evaluation/summary';
import { parseTestsFile } from '../src/core/evaluation/testsFile';
import { withoutKey } from '../src/core/evaluation/evaluationCase';
import { loadAdapter } from '../src/providers/registry';
import type { InFlightReport } from './evaluationEmulators';
import { BENCH_KEYS } from './keys';
import { rawSdkCall } from './rawCalls';

export const CONCURRENCY = 8;

export interface EvaluationFigures {
  tests: number;
  deployments: number;
  cases: number;
  seconds: number;
  /** The whole process's CPU per case: Fanout, the official SDKs, HTTP. */
  cpuMsPerCase: number;
  /** The same number of calls made straight through the official SDKs, in this process, at the same concurrency. */
  sdkCpuMsPerCase: number;
  /** What Fanout adds per case over those raw SDK calls: the figure the target is for. */
  ownCpuMsPerCase: number;
  heapStartMB: number;
  heapEndMB: number;
  heapGrowthMB: number;
  heapPeakMB: number;
  resultsFileMB: number;
  failed: number;
  limit: number;
  inFlight: InFlightReport;
}

const credentials: CredentialResolver = {
  resolve: async (deployment) => {
    switch (deployment.provider) {
      case 'openai': return { ok: true, credential: { type: 'api-key', key: BENCH_KEYS.openai, source: 'bench' } };
      case 'azure-openai': return { ok: true, credential: { type: 'api-key', key: BENCH_KEYS.azure, source: 'bench' } };
      case 'bedrock': return { ok: true, credential: { type: 'aws', ...BENCH_KEYS.aws, source: 'bench' } };
      case 'gemini': return { ok: true, credential: { type: 'api-key', key: BENCH_KEYS.gemini, source: 'bench' } };
      default: throw new Error('not benchmarked');
    }
  },
};

function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const heapMB = (gc: () => void): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

export async function evaluationLoad(tests: number): Promise<EvaluationFigures> {
  const child = fork(join(__dirname, 'evaluationEmulators.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const urls = await new Promise<{ openai: string; bedrock: string; google: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: { openai: string; bedrock: string; google: string }) => resolve(message));
  });
  const dir = mkdtempSync(join(tmpdir(), 'fanout-eval-bench-'));
  try {
    const deployments: Deployment[] = [
      { id: 'openai', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${urls.openai}/v1` },
      { id: 'azure', provider: 'azure-openai', model: 'gpt-4o', deployment: 'bench', endpoint: urls.openai },
      { id: 'bedrock', provider: 'bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1', endpoint: urls.bedrock },
      { id: 'gemini', provider: 'gemini', model: 'gemini-2.0-flash', baseUrl: urls.google },
    ];
    const testsYaml = [
      'prompts: ["Answer in one word: {{question}}"]',
      'defaultTest:',
      '  assert: [{ type: latency, threshold: 60000 }, { type: not-icontains, value: "as an AI" }]',
      'tests:',
      ...Array.from({ length: tests }, (_, n) => `  - vars: { question: "case ${n}" }\n    assert: [{ type: regex, value: '^\\[' }]`),
    ].join('\n');
    const suite = await parseTestsFile(testsYaml, join(dir, 'tests.yaml'), { allowJavascript: false });
    const gc = forceGc();
    const output = join(dir, 'results.jsonl');
    const run = async (count: number, file: string, summary: SummaryBuilder | null, onHeap?: () => void) => {
      const writer = new ResultsWriter(file);
      const outcome = await runEvaluation({
        suite: { ...suite, tests: suite.tests.slice(0, count) }, deployments, graders: new Map(), repeat: 1, finished: new Set(),
        limitsFor: () => ({ concurrency: CONCURRENCY }), engine: { loadAdapter, credentials },
        onCase: (line) => {
          writer.add(line);
          summary?.add(withoutKey(line));
          onHeap?.();
        },
      });
      await writer.close();
      return outcome;
    };
    // warm-up: adapters loaded, connections open, code compiled; not what this figure is about
    await run(Math.min(200, tests), join(dir, 'warm.jsonl'), null);
    const heapStartMB = heapMB(gc);
    let heapPeakMB = heapStartMB;
    let seen = 0;
    const summary = new SummaryBuilder(deployments.map((deployment) => deployment.id));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const outcome = await run(tests, output, summary, () => {
      if (++seen % 2000 === 0) heapPeakMB = Math.max(heapPeakMB, process.memoryUsage().heapUsed / 1024 / 1024);
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const heapEndMB = heapMB(gc);
    const inFlight = await new Promise<InFlightReport>((resolve) => {
      child.on('message', (message: { type: string; report?: InFlightReport }) => message.type === 'report' && resolve(message.report!));
      child.send({ type: 'report' });
    });
    // the baseline, after the in-flight report so it does not count: as many calls per deployment straight through the
    // official SDKs (one kept client per deployment, as the adapters keep), at the same concurrency, in this same process
    const perDeployment = Math.round(outcome.ran / deployments.length);
    await Promise.all(deployments.map((deployment) => inPool(Math.min(50, perDeployment), CONCURRENCY, () => rawSdkCall(deployment))));
    const rawBefore = process.cpuUsage();
    await Promise.all(deployments.map((deployment) => inPool(perDeployment, CONCURRENCY, () => rawSdkCall(deployment))));
    const raw = process.cpuUsage(rawBefore);
    const cpuMsPerCase = (cpu.user + cpu.system) / 1000 / outcome.ran;
    const sdkCpuMsPerCase = (raw.user + raw.system) / 1000 / (perDeployment * deployments.length);
    const rows = summary.rows();
    return {
      tests,
      deployments: deployments.length,
      cases: outcome.ran,
      seconds,
      cpuMsPerCase,
      sdkCpuMsPerCase,
      ownCpuMsPerCase: Math.max(0, cpuMsPerCase - sdkCpuMsPerCase),
      heapStartMB,
      heapEndMB,
      heapGrowthMB: heapEndMB - heapStartMB,
      heapPeakMB,
      resultsFileMB: statSync(output).size / 1024 / 1024,
      failed: rows.reduce((sum, row) => sum + row.failed + row.errors, 0),
      limit: CONCURRENCY,
      inFlight,
    };
  } finally {
    child.send({ type: 'stop' });
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `count` calls of `call`, at most `width` at once. */
async function inPool(count: number, width: number, call: () => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) {
      next++;
      await call();
    }
  }));
}

/** Runs figure 7 alone: `node out/bench/evaluationLoad.js [tests]`. */
if (require.main === module) {
  void evaluationLoad(Number(process.argv[2] ?? 500)).then((figures) => {
    console.log(JSON.stringify(figures, null, 2));
    process.exit(0);
  });
}
