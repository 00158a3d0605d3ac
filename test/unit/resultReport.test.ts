/** The reports of results beyond text, from constructed results: the JSON fields of DESIGN.md "CLI beyond text", the table and markdown notes. */
import * as assert from 'node:assert/strict';
import { PLAIN_ANSWER, type DeploymentResult } from '../../src/core/engine/fanout';
import { answerNotes, formatJson, formatMarkdown, formatTable } from '../../src/core/results/report';

const base: DeploymentResult = {
  deployment: 'gpt', provider: 'openai', model: 'gpt-4o-mini', status: 'ok', text: '', finishReason: 'tool_calls',
  metrics: { ttftMs: 120, totalMs: 480, inputTokens: 40, outputTokens: 9, tokensPerSecond: 25, costUsd: 0.00002 },
  error: null, requestId: 'req_1', answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, costNote: null,
  cachedInputTokens: 32, ...PLAIN_ANSWER,
};
const withTools: DeploymentResult = {
  ...base,
  toolCalls: [
    { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    { id: 'call_2', name: 'get_time', arguments: {}, rawArguments: '{"zone": "Europe/Par', error: 'the arguments are not valid JSON (Unterminated string): the call may have been cut off' },
  ],
  warnings: ['topP: this model does not take top_p; it was not sent'],
};
const invalid: DeploymentResult = {
  ...base, deployment: 'claude', provider: 'bedrock', model: 'claude', finishReason: 'stop', text: '{"name": "Ada"}', cachedInputTokens: null,
  structuredOutput: 'tool', json: { name: 'Ada' }, schemaValid: false, schemaErrors: ["/: must have required property 'age'", '/name: must be longer'],
};

describe('result reports beyond text', () => {
  it('--format json: every result carries tool calls, reasoning, the JSON check and warnings; metrics the token splits', () => {
    const [first, second] = JSON.parse(formatJson([[withTools, invalid]])).results;
    assert.deepEqual(first.toolCalls, [
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_2', name: 'get_time', arguments: {}, error: 'the arguments are not valid JSON (Unterminated string): the call may have been cut off', rawArguments: '{"zone": "Europe/Par' },
    ]);
    assert.deepEqual(
      [first.reasoning, first.json, first.schemaValid, first.schemaErrors, first.structuredOutput, first.warnings],
      [null, null, null, [], null, ['topP: this model does not take top_p; it was not sent']],
    );
    assert.deepEqual(first.metrics, { ttftMs: 120, totalMs: 480, inputTokens: 40, outputTokens: 9, tokensPerSecond: 25, costUsd: 0.00002, reasoningTokens: null, cacheReadTokens: 32, cacheWriteTokens: null, phases: null, connection: null });
    assert.deepEqual([second.toolCalls, second.json, second.schemaValid, second.schemaErrors, second.structuredOutput, second.metrics.cacheReadTokens],
      [[], { name: 'Ada' }, false, ["/: must have required property 'age'", '/name: must be longer'], 'tool', null]);
    assert.deepEqual(Object.keys(first).slice(0, 9), ['deployment', 'provider', 'model', 'status', 'text', 'finishReason', 'metrics', 'error', 'requestId'], 'the fields of before, first');
  });

  it('--format json with --repeat: each run\'s results carry the same fields', () => {
    const document = JSON.parse(formatJson([[withTools], [withTools]]));
    assert.deepEqual(document.results.map((result: { run: number; toolCalls: unknown[] }) => [result.run, result.toolCalls.length]), [[1, 2], [2, 2]]);
  });

  it('notes say each call, the JSON mode with a valid/invalid mark and the first error, and each warning', () => {
    assert.deepEqual(answerNotes(withTools), [
      '→ tool call get_weather {"city":"Paris"}',
      '→ tool call get_time {"zone": "Europe/Par (the arguments are not valid JSON (Unterminated string): the call may have been cut off)',
      '⚠ topP: this model does not take top_p; it was not sent',
    ]);
    assert.deepEqual(answerNotes(invalid), ["✗ JSON (tool): invalid — /: must have required property 'age' (+1 more)"]);
    assert.deepEqual(answerNotes({ ...invalid, schemaValid: true, schemaErrors: [] }), ['✓ JSON (tool): valid against the schema']);
    assert.deepEqual(answerNotes({ ...invalid, json: null, schemaValid: false, schemaErrors: ['/: the answer is not JSON (Unexpected token)'] }), ['✗ JSON (tool): not JSON — /: the answer is not JSON (Unexpected token)']);
    assert.deepEqual(answerNotes({ ...invalid, structuredOutput: 'native', schemaValid: null, schemaErrors: [] }), ['✓ JSON (native): parsed']);
    assert.deepEqual(answerNotes(base), []);
    const long = answerNotes({ ...base, toolCalls: [{ id: 'c', name: 'write', arguments: { text: 'x'.repeat(500) } }] })[0]!;
    assert.ok(long.length < 230 && long.endsWith('…'), 'long arguments are cut');
  });

  it('the table shows a column for an answer that is only tool calls, with its notes under it', () => {
    const table = formatTable([[withTools, invalid]]);
    assert.match(table, /── gpt · gpt-4o-mini ─+\n→ tool call get_weather \{"city":"Paris"\}\n→ tool call get_time .*\n⚠ topP: .*\n/);
    assert.match(table, /── claude · claude ─+\n\{"name": "Ada"\}\n✗ JSON \(tool\): invalid — \/: must have required property 'age' \(\+1 more\)\n/);
  });

  it('markdown shows tool calls and the schema check as list items with code spans', () => {
    const markdown = formatMarkdown([[withTools, invalid]], 'Weather?');
    assert.match(markdown, /## gpt — gpt-4o-mini\n\n- tool call `get_weather` `\{"city":"Paris"\}`\n- tool call `get_time` `.*`\n- ⚠ \*\*warning\*\*: topP: .*\n/);
    assert.doesNotMatch(markdown, /No text\./);
    assert.match(markdown, /- ✗ \*\*JSON \(tool\)\*\*: invalid — `\/: must have required property 'age'` \(\+1 more\)$/m);
  });
});
