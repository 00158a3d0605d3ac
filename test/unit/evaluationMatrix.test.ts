/** The results view's matrix: cells from the results file's lines, the failing reason, what "Re-run failed" sends. */
import * as assert from 'node:assert/strict';
import type { CaseLine } from '../../src/core/evaluation/evaluationCase';
import { buildMatrix, failedKeys } from '../../src/core/evaluation/resultsMatrix';

const metrics = { ttftMs: 100, totalMs: 200, inputTokens: 5, outputTokens: 7, tokensPerSecond: 35, costUsd: 0.01, reasoningTokens: null, graderCostUsd: null };
const line = (key: string, deployment: string, overrides: Partial<CaseLine>): CaseLine => ({
  key, test: 't', vars: {}, deployment, repeat: 1, status: 'ok', text: 'answer', pass: true, assertions: [{ type: 'contains', pass: true, reason: 'found' }], metrics, error: null, ...overrides,
});

describe('evaluation results matrix', () => {
  const suite = { tests: [{ label: 'first' }, { label: 'second' }], prompts: [{ label: 'prompt 1' }] } as never;

  it('is pass, fail with the failing assertion, error with its kind, and missing for what did not run', () => {
    const matrix = buildMatrix(suite, ['a', 'b'], 1, [
      line('0/0/1/a', 'a', {}),
      line('0/0/1/b', 'b', { pass: false, assertions: [{ type: 'contains', pass: true, reason: 'ok' }, { type: 'not-regex', pass: false, reason: 'matched "x"' }] }),
      line('1/0/1/a', 'a', { status: 'error', pass: false, assertions: [], error: { kind: 'auth', message: 'Set the API key' }, metrics: { ...metrics, ttftMs: null, totalMs: null, costUsd: null } }),
    ]);
    assert.deepEqual(matrix.rows.map((row) => [row.label, ...row.cells.map((cell) => cell.state)]), [['first', 'pass', 'fail'], ['second', 'error', 'missing']]);
    assert.equal(matrix.rows[0]!.cells[1]!.reason, 'not-regex: matched "x"');
    assert.equal(matrix.rows[1]!.cells[0]!.reason, 'auth: Set the API key');
    assert.deepEqual(failedKeys(matrix), ['0/0/1/b', '1/0/1/a']);
    assert.equal(matrix.summary[0]!.passRate, 0.5);
    assert.equal(matrix.summary[0]!.costUsd, 0.01);
  });
});
