/**
 * The playground's conversation on the host: each column continues its own thread, tool results are taken only for
 * calls the host knows (a forged or stale id changes nothing), and what a column shows of its calls and turns.
 */
import * as assert from 'node:assert/strict';
import { validateWebviewMessage, type RunRequest } from '../../src/protocol';
import { Conversation, setupOf } from '../../src/vscode/playground/conversation';
import { toolCallViews, turnsOf, TURN_SHOWN_CHARS } from '../../src/vscode/playground/threadView';
import { answer } from '../support/answers';

const weather = { name: 'get_weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const request: RunRequest = { type: 'run', system: 'Be brief, {{who}}.', prompt: 'Weather in {{city}}?', variables: { who: 'bot', city: 'Paris' }, params: { maxTokens: 50 }, deploymentIds: ['gpt', 'claude'], repeat: 1, tools: [weather], toolChoice: 'auto' };

function started(): Conversation {
  const conversation = new Conversation(setupOf(request));
  conversation.start(['gpt', 'claude'], 'Weather in Paris?');
  return conversation;
}

describe('playground conversation (host)', () => {
  it('builds each column\'s request from the shared setup (variables filled) and its own thread', () => {
    const conversation = started();
    const first = conversation.requestFor('gpt');
    assert.equal(first.system, 'Be brief, bot.');
    assert.deepEqual(first.tools, [weather]);
    assert.deepEqual(first.messages, [{ role: 'user', content: 'Weather in Paris?' }]);
    conversation.record(answer('gpt', 'Sunny.'));
    conversation.record(answer('claude', 'Rainy.'));
    const outcome = conversation.addUserTurn(['gpt', 'claude'], 'And tomorrow?');
    assert.deepEqual(outcome, { ok: true, ids: ['gpt', 'claude'], refused: [] });
    assert.deepEqual(conversation.requestFor('gpt').messages.map((m) => m.content), ['Weather in Paris?', 'Sunny.', 'And tomorrow?']);
    assert.deepEqual(conversation.requestFor('claude').messages.map((m) => m.content), ['Weather in Paris?', 'Rainy.', 'And tomorrow?']);
  });

  it('continues one column alone; a column waiting for a tool result or without an answer is refused', () => {
    const conversation = started();
    conversation.record(answer('gpt', '', [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }]));
    conversation.record(answer('claude', '', [], 'error'));
    const refused = conversation.addUserTurn(['gpt', 'claude'], 'Hello?');
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.reason : '', /gpt waits for the result of get_weather.*claude has no answer to follow: press Retry/);
    conversation.rewind(['claude']);
    conversation.record(answer('claude', 'Cloudy.'));
    assert.deepEqual(conversation.addUserTurn(['claude'], 'Thanks.'), { ok: true, ids: ['claude'], refused: [] });
    assert.equal(conversation.messagesOf('gpt').length, 2, 'the other column is untouched');
  });

  it('takes one result for every column that called the tool; each request then has its own call and the result', () => {
    const conversation = started();
    conversation.record(answer('gpt', 'Let me look.', [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }]));
    conversation.record(answer('claude', '', [{ id: 'tooluse_9', name: 'get_weather', arguments: { city: 'Paris, FR' } }]));
    const outcome = conversation.addToolResults([
      { deploymentId: 'gpt', toolCallId: 'call_1', content: '21 °C' },
      { deploymentId: 'claude', toolCallId: 'tooluse_9', content: '21 °C' },
    ]);
    assert.deepEqual(outcome, { ok: true, ids: ['gpt', 'claude'], refused: [] });
    assert.deepEqual(conversation.requestFor('claude').messages.slice(1), [
      { role: 'assistant', content: [{ type: 'tool-call', id: 'tooluse_9', name: 'get_weather', arguments: { city: 'Paris, FR' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'tooluse_9', name: 'get_weather', content: '21 °C' }] },
    ]);
    assert.deepEqual((conversation.requestFor('gpt').messages[1]!.content as Array<{ type: string }>).map((part) => part.type), ['text', 'tool-call']);
  });

  it('waits until every call of a column has its result, then sends them in one tool message in call order', () => {
    const conversation = started();
    conversation.record(answer('gpt', '', [{ id: 'a', name: 'get_weather', arguments: { city: 'Paris' } }, { id: 'b', name: 'get_weather', arguments: { city: 'Rome' } }]));
    assert.deepEqual(conversation.addToolResults([{ deploymentId: 'gpt', toolCallId: 'b', content: 'Rome: 25' }]), { ok: true, ids: [], refused: [] });
    assert.deepEqual([...conversation.awaitingOf('gpt')], ['a']);
    assert.deepEqual(conversation.addToolResults([{ deploymentId: 'gpt', toolCallId: 'a', content: 'Paris: 21' }]), { ok: true, ids: ['gpt'], refused: [] });
    const tool = conversation.requestFor('gpt').messages.at(-1)!;
    assert.deepEqual((tool.content as Array<{ toolCallId: string }>).map((part) => part.toolCallId), ['a', 'b']);
  });

  describe('refuses, changing nothing', () => {
    const cases: Array<[string, Array<{ deploymentId: string; toolCallId: string; content: string }>, RegExp]> = [
      ['a forged tool-call id', [{ deploymentId: 'gpt', toolCallId: 'call_forged', content: 'x' }], /gpt is not waiting for a tool call with that id/],
      ['an unknown deployment', [{ deploymentId: 'mallory', toolCallId: 'call_1', content: 'x' }], /mallory is not a column of this conversation/],
      ['another column\'s call id', [{ deploymentId: 'claude', toolCallId: 'call_1', content: 'x' }], /claude is not waiting/],
      ['one call answered twice in one message', [{ deploymentId: 'gpt', toolCallId: 'call_1', content: 'x' }, { deploymentId: 'gpt', toolCallId: 'call_1', content: 'y' }], /already has its result/],
      ['a valid result beside a forged one', [{ deploymentId: 'gpt', toolCallId: 'call_1', content: 'x' }, { deploymentId: 'gpt', toolCallId: 'nope', content: 'y' }], /not waiting/],
    ];
    for (const [name, results, reason] of cases) {
      it(name, () => {
        const conversation = started();
        conversation.record(answer('gpt', '', [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }]));
        conversation.record(answer('claude', 'Rainy.'));
        const message = validateWebviewMessage({ type: 'toolResults', results });
        assert.ok(message.ok && message.message.type === 'toolResults', 'the shape is valid: only the host knows the ids');
        const outcome = conversation.addToolResults(message.message.results);
        assert.equal(outcome.ok, false);
        assert.match(!outcome.ok ? outcome.reason : '', reason);
        assert.deepEqual([...conversation.awaitingOf('gpt')], ['call_1'], 'still waiting');
        assert.equal(conversation.messagesOf('gpt').length, 2);
      });
    }
    it('a stale id: the column was run again since', () => {
      const conversation = started();
      conversation.record(answer('gpt', '', [{ id: 'call_old', name: 'get_weather', arguments: { city: 'Paris' } }]));
      conversation.rewind(['gpt']);
      conversation.record(answer('gpt', '', [{ id: 'call_new', name: 'get_weather', arguments: { city: 'Paris' } }]));
      const outcome = conversation.addToolResults([{ deploymentId: 'gpt', toolCallId: 'call_old', content: 'x' }]);
      assert.equal(outcome.ok, false);
      assert.deepEqual(conversation.addToolResults([{ deploymentId: 'gpt', toolCallId: 'call_new', content: 'x' }]), { ok: true, ids: ['gpt'], refused: [] });
      assert.equal(conversation.addToolResults([{ deploymentId: 'gpt', toolCallId: 'call_new', content: 'again' }]).ok, false, 'answered already');
    });
  });

  it('a thread brought back from the history waits again for the calls of its last answer', () => {
    const saved = started();
    saved.record(answer('gpt', '', [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }]));
    saved.record(answer('claude', 'Rainy.'));
    const reopened = new Conversation(setupOf(request), saved.snapshot());
    assert.deepEqual([...reopened.awaitingOf('gpt')], ['call_1']);
    assert.deepEqual(reopened.addUserTurn(['claude'], 'Why?'), { ok: true, ids: ['claude'], refused: [] });
    reopened.rewind(['gpt']);
    assert.deepEqual(reopened.requestFor('gpt').messages, [{ role: 'user', content: 'Weather in Paris?' }], 're-run goes back to what was sent');
  });

  it('shows each call checked against its tool with ajv; a malformed one with its raw text and why; a tool not offered', async () => {
    const views = await toolCallViews([
      { id: '1', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: '2', name: 'get_weather', arguments: { city: 42 } },
      { id: '3', name: 'get_weather', arguments: {}, rawArguments: '{"city": "Par', error: 'the arguments are cut: Unexpected end of JSON input' },
      { id: '4', name: 'rm_rf', arguments: {} },
    ], [weather], new Set(['1']));
    assert.deepEqual(views.map((view) => [view.valid, view.problem, view.malformed, view.awaiting]), [
      [true, null, null, true],
      [false, '/city: must be string', null, false],
      [null, null, 'the arguments are cut: Unexpected end of JSON input', false],
      [null, 'rm_rf was not offered as a tool', null, false],
    ]);
    assert.equal(views[0]!.arguments, '{\n  "city": "Paris"\n}');
    assert.equal(views[2]!.arguments, '{"city": "Par');
  });

  it('earlier turns are cut for the view: a 1 MB tool result never goes to the webview whole', () => {
    const turns = turnsOf([{ role: 'user', content: 'q' }, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', name: 'fetch', content: 'x'.repeat(1_000_000) }] }]);
    assert.equal(turns[1]!.role, 'tool');
    assert.ok(turns[1]!.role === 'tool' && turns[1]!.content.length < TURN_SHOWN_CHARS + 100 && turns[1]!.content.endsWith('[1,000,000 characters in all]'));
  });
});
