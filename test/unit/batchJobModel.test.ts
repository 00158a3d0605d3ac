/** The "Fanout Batch Jobs" rows as data (age, counts, state, actions), the finish notification, and the results view's batch cost. */
import * as assert from 'node:assert/strict';
import type { BatchJobState } from '../../src/core/batch/batchJobLine';
import type { BatchStatus } from '../../src/core/batch/batchAdapter';
import { countsOf, finishedMessage, formatAge, groupItemModel, jobItemModel, phaseOf } from '../../src/vscode/evaluation/batchJobModel';
import { evaluationHtml } from '../../src/vscode/evaluation/evaluationHtml';

const SUBMITTED = '2026-11-27T03:00:00.000Z';
const at = (offsetMs: number): number => Date.parse(SUBMITTED) + offsetMs;
const status = (state: BatchStatus['state'], succeeded: number | null, failed: number | null, total: number | null = 20_000, message: string | null = null): BatchStatus =>
  ({ state, rawState: state === 'running' ? 'in_progress' : state, total, succeeded, failed, message });
const job = (fields: Partial<BatchJobState> = {}): BatchJobState => ({
  batchJob: 'batch_abc', deployment: 'openai-mini', ref: { id: 'batch_abc', data: { inputFileId: 'file-1' } }, provider: 'openai', service: 'OpenAI Batch API',
  keys: Array.from({ length: 20_000 }, (_, index) => `${index}/0/1/openai-mini`), submittedAt: SUBMITTED, config: null, tests: '/work/evals/capitals.fanout-tests.yaml',
  repeat: 1, status: null, updatedAt: SUBMITTED, fetched: false, ...fields,
});

describe('batch jobs list', () => {
  it('formats an age as a list column reads it', () => {
    const cases: Array<[number, string]> = [
      [-5_000, 'just now'], [0, 'just now'], [59_999, 'just now'], [60_000, '1 min'], [59 * 60_000 + 59_999, '59 min'],
      [3_600_000, '1 h'], [2 * 3_600_000 + 5 * 60_000, '2 h 5 min'], [24 * 3_600_000, '1 d'], [3 * 86_400_000 + 2 * 3_600_000 + 59 * 60_000, '3 d 2 h'], [Number.NaN, 'just now'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text, String(ms));
  });

  it('says a job\'s state, counts and age, and offers Cancel while it runs, Fetch once final, nothing after', () => {
    const submitted = jobItemModel(job(), '/work/evals/.fanout/eval-capitals.jsonl', at(30_000));
    assert.deepEqual([submitted.label, submitted.description, submitted.phase], ['openai-mini', 'submitted · 20,000 cases · just now', 'running']);

    const running = jobItemModel(job({ status: status('running', 1_200, 2) }), '/r.jsonl', at(2 * 3_600_000 + 5 * 60_000));
    assert.equal(running.description, 'running · 1,200 of 20,000 answered, 2 failed · 2 h 5 min');
    assert.equal(running.phase, 'running');
    assert.match(running.tooltip, /^openai-mini · OpenAI Batch API\nTests: \/work\/evals\/capitals\.fanout-tests\.yaml\nResults: \/r\.jsonl\nJob: batch_abc\nState: running \(in_progress\)\nCases: 1,200 of 20,000 answered, 2 failed\nSubmitted: 2026-11-27T03:00:00\.000Z \(2 h 5 min ago\)$/);

    const done = jobItemModel(job({ status: status('completed', 19_998, 2) }), '/r.jsonl', at(86_400_000));
    assert.equal(done.description, 'finished — fetch · 19,998 of 20,000 answered, 2 failed · 1 d');
    assert.equal(done.phase, 'finished');

    const expired = job({ status: status('expired', 10_000, 10_000, 20_000, 'the job did not finish within 24 h') });
    assert.equal(phaseOf(expired), 'finished');
    assert.match(jobItemModel(expired, '/r.jsonl', at(0)).description, /^expired — fetch what it did · 10,000 of 20,000 answered · /);
    assert.match(jobItemModel(expired, '/r.jsonl', at(0)).tooltip, /\nCloud says: the job did not finish within 24 h$/);

    const fetched = job({ status: status('expired', 10_000, 0), fetched: true, missing: Array.from({ length: 10_000 }, (_, index) => String(index)) });
    assert.equal(phaseOf(fetched), 'fetched');
    assert.match(jobItemModel(fetched, '/r.jsonl', at(0)).description, /^fetched, 10,000 never answered · /);
    assert.equal(countsOf(job({ keys: ['a'], status: null })), '1 case');
  });

  it('names a tests file\'s row after it, with how many of its jobs run, wait to be fetched, and the newest\'s age', () => {
    const group = (jobs: BatchJobState[]) => groupItemModel({ resultsFile: '/work/evals/.fanout/eval-capitals.jsonl', tests: '/work/evals/capitals.fanout-tests.yaml', jobs: jobs.map((one) => ({ job: one })) }, at(3 * 60_000));
    const running = job({ status: status('running', 10, 0) });
    const done = job({ batchJob: 'batch_def', status: status('completed', 20_000, 0), submittedAt: '2026-11-27T03:02:00.000Z' });
    assert.deepEqual(group([running, done]), { label: 'capitals.fanout-tests.yaml', description: '1 running · 1 to fetch · 1 min', tooltip: 'Tests: /work/evals/capitals.fanout-tests.yaml\nResults: /work/evals/.fanout/eval-capitals.jsonl' });
    assert.equal(group([job({ fetched: true, status: status('completed', 20_000, 0) })]).description, 'all fetched · 3 min');
  });

  it('words the finish notification with what was answered, failed and never answered', () => {
    assert.equal(finishedMessage(job({ status: status('completed', 19_998, 2) })), 'Batch on openai-mini finished: 19,998 answered, 2 failed');
    // a stopped job's cloud counts what it never ran as failed: only the answered count is told
    assert.equal(finishedMessage(job({ status: status('expired', 10_000, 10_000) })), 'Batch on openai-mini expired: 10,000 of 20,000 answered');
    assert.equal(finishedMessage(job({ status: status('cancelled', 5, 19_995) })), 'Batch on openai-mini was cancelled: 5 of 20,000 answered');
    assert.equal(finishedMessage(job({ status: status('completed', null, null, null) })), 'Batch on openai-mini finished: 20,000 cases');
    assert.equal(finishedMessage(job({ status: status('failed', null, null, null, 'input file invalid: line 3') })), 'Batch on openai-mini failed: 20,000 cases — input file invalid: line 3');
  });

  it('the results view shows a batch deployment\'s cost at the batch rate beside the streamed cost, and cases still in a job as "in batch"', () => {
    const matrix = {
      deployments: ['openai-mini'],
      rows: [{ label: 'France', cells: [{ key: '0/0/1/openai-mini', deployment: 'openai-mini', state: 'pass' as const, reason: '1 assertion held' }] },
        { label: 'Spain', cells: [{ key: '1/0/1/openai-mini', deployment: 'openai-mini', state: 'missing' as const, reason: 'not run yet' }] }],
      summary: [{ deployment: 'openai-mini', cases: 1, passed: 1, failed: 0, errors: 0, passRate: 1, ttftP50: null, ttftP95: null, totalP50: null, totalP95: null, costUsd: 0.0125, batchCases: 1, streamedCostUsd: 0.025 }],
    };
    const html = evaluationHtml('Evaluation: capitals', matrix, { cspSource: 'https://webview.example', script: 'https://webview.example/evaluation.js' }, false, new Set(['1/0/1/openai-mini']));
    assert.match(html, /<td class="num">\$0\.0125 <span class="badge" title="1 case answered through the cloud's batch service, at its batch rate">batch<\/span><br><span class="streamed">streamed \$0\.0250<\/span><\/td>/);
    assert.match(html, /<td class="pending" title="in a batch job: Fetch it from Fanout Batch Jobs once it has finished"><button disabled [^>]*>… in batch<\/button>/);
    const streamed = evaluationHtml('Evaluation: capitals', { ...matrix, summary: [{ ...matrix.summary[0]!, batchCases: undefined, streamedCostUsd: undefined }] }, { cspSource: 'x', script: 'y' }, false);
    assert.match(streamed, /<td class="num">\$0\.0125<\/td>/);
    assert.match(streamed, /<button disabled [^>]*>· not run<\/button>/);
  });
});
