/** Bedrock batch records, line by line: the Converse body each case becomes, and each kind of output line as an outcome. */
import * as assert from 'node:assert/strict';
import { outcomeOf } from '../../src/providers/bedrock/batchOutput';
import { customIdOf, inputLine, recordIdOf } from '../../src/providers/bedrock/batchRecords';
import { mapJobStatus } from '../../src/providers/bedrock/batchStatus';
import { batchEndpoints } from '../../src/providers/bedrock/batchEndpoints';
import { parseS3Uri } from '../../src/providers/bedrock/batchConfig';

const line = (record: Record<string, unknown>): string => JSON.stringify({ recordId: recordIdOf('t/p/0/bedrock-x'), modelInput: {}, ...record });

describe('Bedrock batch records', () => {
  it('a recordId is alphanumeric and gives its case key back, whatever the key holds', () => {
    for (const key of ['case-1/prompt-0/0/bedrock-haiku', 'tëst 名前/p/12/d', '']) {
      const id = recordIdOf(key);
      assert.match(id, /^[0-9a-f]*$/);
      assert.equal(customIdOf(id), key || null);
    }
    assert.equal(customIdOf('CALL0000001'), null, 'a record Fanout did not write names no case');
  });

  it('an input line is the Converse body without the model, images as base64 as the SDK would send them', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
    const { line: text, answerTool } = inputLine('amazon.nova-lite-v1:0', { customId: 'k', request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', mediaType: 'image/png', data: png }] }], params: { temperature: 0.2 } } });
    assert.equal(answerTool, null);
    assert.deepEqual(JSON.parse(text), { recordId: recordIdOf('k'), modelInput: { messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: png } } }] }], inferenceConfig: { temperature: 0.2 } } });
  });

  const table: Array<[string, string, unknown]> = [
    ['text, usage with cache reads and writes, end_turn', line({ modelOutput: { output: { message: { role: 'assistant', content: [{ text: 'Hello' }, { text: ' there' }] } }, stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12, cacheReadInputTokens: 5, cacheWriteInputTokens: 3 } } }),
      { customId: 't/p/0/bedrock-x', parts: [{ type: 'text-delta', text: 'Hello there' }, { type: 'usage', usage: { inputTokens: 18, outputTokens: 2, cachedInputTokens: 5, cacheWriteTokens: 3 } }, { type: 'finish', reason: 'stop', rawReason: 'end_turn', requestId: null }] }],
    ['Claude\'s thinking with its signature, then the answer cut at max tokens', line({ modelOutput: { output: { message: { content: [{ reasoningContent: { reasoningText: { text: 'Let me think.', signature: 'sig_1' } } }, { text: 'Answer' }] } }, stopReason: 'max_tokens', usage: { inputTokens: 4, outputTokens: 9 } } }),
      { customId: 't/p/0/bedrock-x', parts: [{ type: 'reasoning-delta', text: 'Let me think.' }, { type: 'reasoning-end', signature: 'sig_1' }, { type: 'text-delta', text: 'Answer' }, { type: 'usage', usage: { inputTokens: 4, outputTokens: 9 } }, { type: 'finish', reason: 'length', rawReason: 'max_tokens', requestId: null }] }],
    ['a redacted thought is kept to send back', line({ modelOutput: { output: { message: { content: [{ reasoningContent: { redactedContent: 'b64data' } }, { text: 'x' }] } }, stopReason: 'end_turn' } }),
      { customId: 't/p/0/bedrock-x', parts: [{ type: 'reasoning-end', redactedData: 'b64data' }, { type: 'text-delta', text: 'x' }, { type: 'finish', reason: 'stop', rawReason: 'end_turn', requestId: null }] }],
    ['a tool call, whole', line({ modelOutput: { output: { message: { content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } }] } }, stopReason: 'tool_use' } }),
      { customId: 't/p/0/bedrock-x', parts: [{ type: 'tool-call', id: 'tooluse_1', name: 'get_weather', arguments: { city: 'Paris' } }, { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use', requestId: null }] }],
    ['a guardrail stopped it: the case errors, as a streamed one does', line({ modelOutput: { output: { message: { content: [{ text: 'partial' }] } }, stopReason: 'guardrail_intervened' } }),
      { customId: 't/p/0/bedrock-x', error: { kind: 'content_filter', message: 'Amazon Bedrock (deployment "bedrock-x") stopped the answer: a content filter or guardrail intervened.', status: null, retryable: false, requestId: null } }],
    ['an error record with a string code', line({ error: { errorCode: '429', errorMessage: 'Too many requests' } }),
      { customId: 't/p/0/bedrock-x', error: { kind: 'rate_limit', message: 'Amazon Bedrock (deployment "bedrock-x") is rate limiting (429). Wait and retry, or lower the request rate.', status: 429, retryable: true, requestId: null } }],
  ];
  for (const [name, text, expected] of table) {
    it(`output line: ${name}`, () => assert.deepEqual(outcomeOf(text, 'bedrock-x', new Set()), expected));
  }

  it('lines that name no case of ours are skipped, not guessed', () => {
    for (const text of ['', '   ', '{not json', JSON.stringify({ recordId: 'CALL0000001', modelOutput: {} }), JSON.stringify({ modelOutput: {} })]) assert.equal(outcomeOf(text, 'd', new Set()), null, text);
  });

  it('job states: Bedrock\'s ten, normalised, with the counts and a fix where one helps', () => {
    const states = ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Completed', 'PartiallyCompleted', 'Failed', 'Stopping', 'Stopped', 'Expired'].map((status) => mapJobStatus({ status }).state);
    assert.deepEqual(states, ['validating', 'validating', 'queued', 'running', 'completed', 'completed', 'failed', 'cancelling', 'cancelled', 'expired']);
    assert.deepEqual(mapJobStatus({ status: 'PartiallyCompleted', totalRecordCount: 10, successRecordCount: 8, errorRecordCount: 2 }), { state: 'completed', rawState: 'PartiallyCompleted', total: 10, succeeded: 8, failed: 2, message: null });
    assert.match(mapJobStatus({ status: 'Failed', message: 'Access denied to s3://b' }).message ?? '', /^Access denied to s3:\/\/b\. Check batch\.roleArn/);
  });

  it('where a batch goes: the SDK defaults, the same for an AWS runtime endpoint, else the override for all three, path-style', () => {
    assert.deepEqual(batchEndpoints(undefined), { forcePathStyle: false });
    assert.deepEqual(batchEndpoints('https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com'), { forcePathStyle: false });
    assert.deepEqual(batchEndpoints('http://127.0.0.1:4010/x'), { controlPlane: 'http://127.0.0.1:4010', s3: 'http://127.0.0.1:4010', forcePathStyle: true });
    assert.deepEqual(parseS3Uri('s3://my-bucket/a/b/'), { bucket: 'my-bucket', prefix: 'a/b/' });
    assert.deepEqual(parseS3Uri('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
    assert.equal(parseS3Uri('s3://My_Bucket/x'), null);
  });
});
