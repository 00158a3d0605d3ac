import * as assert from 'node:assert/strict';
import { fill, variablesIn } from '../../src/core/request/template';
import { DeltaBatcher } from '../../src/vscode/playground/deltaBatcher';

describe('prompt variables', () => {
  it('finds each {{variable}} once, across texts', () => {
    assert.deepEqual(variablesIn('Hi {{name}}, {{ name }} and {{topic_2}}', 'sys {{tone}}'), ['name', 'topic_2', 'tone']);
    assert.deepEqual(variablesIn('no {{ 1bad }} {{}} here'), []);
  });

  it('fills values and leaves unknown ones as written', () => {
    assert.equal(fill('Hi {{name}}, about {{topic}}', { name: 'Ada' }), 'Hi Ada, about {{topic}}');
    assert.equal(fill('{{a}}{{a}}', { a: '$&' }), '$&$&');
  });
});

describe('delta batching', () => {
  it('sends at most one message per frame with every column\'s text, and flushes on demand', async () => {
    const sent: Array<Array<{ deploymentId: string; text: string }>> = [];
    const batcher = new DeltaBatcher((chunks) => sent.push(chunks), 16);
    for (let i = 0; i < 500; i++) batcher.add(i % 2 ? 'a' : 'b', 'x');
    assert.equal(sent.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.map((chunk) => [chunk.deploymentId, chunk.text.length]).sort(), [['a', 250], ['b', 250]]);
    batcher.add('a', 'tail');
    batcher.flush();
    assert.deepEqual(sent[1], [{ deploymentId: 'a', text: 'tail' }]);
    batcher.dispose();
  });
});
