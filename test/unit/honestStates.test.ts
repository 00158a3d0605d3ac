/**
 * Stopped is stopped everywhere, retries are said, and a 429 never asks to "wait 0 s": the history's counts and
 * list line, the reports (table, markdown, repeat summary), the playground summary's key figure, the wait wording.
 */
import * as assert from 'node:assert/strict';
import { PLAIN_ANSWER, type DeploymentResult } from '../../src/core/engine/fanout';
import { formatMarkdown, formatTable } from '../../src/core/results/report';
import { summarise } from '../../src/core/results/summary';
import { countByState } from '../../src/core/storage/history';
import type { ColumnResult } from '../../src/protocol';
import { waitText } from '../../src/providers/transport/errorMapping';
import { historyCounts } from '../../src/webview/historyText';
import { keyFigure, retriesText } from '../../src/webview/runSummaryText';

const answered = (deployment: string, extra: Partial<DeploymentResult> = {}): DeploymentResult => ({
  deployment, provider: 'openai', model: 'gpt-4o-mini', status: 'ok', text: 'An answer.', finishReason: 'stop',
  metrics: { ttftMs: 120, totalMs: 480, inputTokens: 40, outputTokens: 9, tokensPerSecond: 25, costUsd: 0.00002 },
  error: null, requestId: null, answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, costNote: null,
  cachedInputTokens: null, ...PLAIN_ANSWER, ...extra,
});
const stopped = (deployment: string, text = ''): DeploymentResult => answered(deployment, {
  status: 'cancelled', text, finishReason: null, error: { kind: 'cancelled', message: 'Cancelled.', status: null, retryable: false, requestId: null } as unknown as DeploymentResult['error'],
  metrics: { ttftMs: null, totalMs: 300, inputTokens: null, outputTokens: null, tokensPerSecond: null, costUsd: null },
});
const failed = (deployment: string): DeploymentResult => answered(deployment, {
  status: 'error', text: '', finishReason: null, error: { kind: 'auth', message: 'OpenAI rejected the credential (401).', status: 401, retryable: false, requestId: null } as unknown as DeploymentResult['error'],
});

describe('honest states', () => {
  it('history counts a stopped run as stopped, a timeout as failed', () => {
    const statuses = ['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled'].map((status) => ({ status: status as DeploymentResult['status'] }));
    assert.deepEqual(countByState(statuses), { ok: 0, failed: 0, stopped: 5 });
    assert.deepEqual(countByState([{ status: 'ok' }, { status: 'error' }, { status: 'timeout' }, { status: 'cancelled' }]), { ok: 1, failed: 2, stopped: 1 });
  });

  it('the history line says "0 ok, 5 stopped" for a stopped run, never "5 failed"', () => {
    assert.equal(historyCounts({ ok: 0, failed: 0, stopped: 5 }), '0 ok, 5 stopped');
    assert.equal(historyCounts({ ok: 5, failed: 2 }), '5 ok, 2 failed');
    assert.equal(historyCounts({ ok: 3, failed: 1, stopped: 1 }), '3 ok, 1 failed, 1 stopped');
  });

  it('the table and markdown exports say "stopped", and list a stopped column apart from the failures', () => {
    const run = [answered('gpt'), stopped('claude', 'Half an'), failed('azure')];
    const table = formatTable([run]);
    assert.match(table, /^claude +openai +gpt-4o-mini +stopped /m);
    assert.match(table, /^■ claude: stopped — Stopped while streaming: the text so far is kept\.$/m);
    assert.match(table, /^✗ azure: auth — OpenAI rejected the credential \(401\)\.$/m);
    assert.doesNotMatch(table, /✗ claude/);
    const markdown = formatMarkdown([[answered('gpt'), stopped('claude')]], 'Hi');
    assert.match(markdown, /\| claude \| openai \| gpt-4o-mini \| stopped \|/);
    assert.match(markdown, /^\*Stopped before the first token\.\*$/m);
    assert.match(markdown, /^- ■ claude: stopped — Stopped before the first token\.$/m);
    assert.doesNotMatch(markdown, /Cancelled\./);
  });

  it('a repeat summary counts the stopped runs apart', () => {
    const [summary] = summarise([[answered('gpt')], [stopped('gpt')], [answered('gpt')]]);
    assert.deepEqual([summary!.ok, summary!.stopped, summary!.runs], [2, 1, 3]);
    assert.match(formatTable([[answered('gpt')], [stopped('gpt')], [answered('gpt')]]), /^gpt +2\/3 \(1 stopped\) /m);
  });

  it('retries are said in the table status and in the playground summary entry', () => {
    assert.match(formatTable([[answered('gpt', { retries: 2 })]]), /^gpt +openai +gpt-4o-mini +ok \(2 retries\) /m);
    assert.equal(retriesText(1), '1 retry');
    assert.equal(retriesText(0), '');
    const result = { metrics: { totalMs: 1540 }, retries: 2, error: null } as unknown as ColumnResult;
    assert.equal(keyFigure({ id: 'gpt', status: 'ok', result, ttftMs: null }), '1.54\u00a0s · 2 retries');
    const rateLimited = { metrics: { totalMs: 900 }, retries: 1, error: { kind: 'rate_limit', message: '…' } } as unknown as ColumnResult;
    assert.equal(keyFigure({ id: 'gpt', status: 'error', result: rateLimited, ttftMs: null }), 'rate limit · 1 retry');
  });

  const waits: Array<[number | undefined, string]> = [
    [undefined, ''],
    [0, ' It said a retry may go at once.'],
    [400, ' It said a retry may go at once.'],
    [1000, ' It asked to wait 1 s.'],
    [1200, ' It asked to wait 2 s.'],
    [60_000, ' It asked to wait 60 s.'],
    [600_000, ' It asked to wait 10 min.'],
  ];
  for (const [ms, text] of waits) it(`a 429's retry-after of ${ms} ms reads "${text.trim() || '(nothing)'}"`, () => assert.equal(waitText(ms), text));
});
