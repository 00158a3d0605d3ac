import * as assert from 'node:assert/strict';
import { parsePromptFile } from '../../src/core/request/promptFile';

describe('prompt files', () => {
  it('reads front matter and the prompt', async () => {
    const result = await parsePromptFile('---\ndeployments: [gpt, claude]\nsystem: Be brief.\ntemperature: 0.2\nmaxTokens: 300\nvariables:\n  audience: developers\n  n: 3\n---\nExplain TCP to {{audience}} in {{n}} lines.\n');
    assert.deepEqual(result, { ok: true, file: {
      prompt: 'Explain TCP to {{audience}} in {{n}} lines.', system: 'Be brief.', deployments: ['gpt', 'claude'],
      params: { temperature: 0.2, maxTokens: 300 }, variables: { audience: 'developers', n: '3' }, bodyLine: 9,
    } });
  });

  it('a file without front matter is all prompt', async () => {
    const result = await parsePromptFile('Just a prompt.');
    assert.equal(result.ok && result.file.prompt, 'Just a prompt.');
    assert.equal(result.ok && result.file.deployments, null);
  });

  const mistakes: Array<[string, RegExp]> = [
    ['---\ntemprature: 0.2\n---\nx', /unknown field "temprature" — did you mean "temperature"\?/],
    ['---\ntemperature: hot\n---\nx', /temperature must be a number/],
    ['---\ntemperature: 5\n---\nx', /temperature is above 2 — use a number from 0 to 2/],
    ['---\nmaxTokens: 1.5\n---\nx', /maxTokens must be a whole number/],
    ['---\ndeployments: gpt\n---\nx', /deployments must be a list/],
    ['---\ndeployments: [\n---\nx', /not valid YAML/],
    ['---\n- a\n- b\n---\nx', /must be "key: value" lines/],
    ['---\nsystem: hi\n---\n   \n', /the prompt is empty/],
  ];
  for (const [text, expected] of mistakes) {
    it(`names the mistake: ${text.split('\n')[1]}`, async () => {
      const result = await parsePromptFile(text);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.problem : '', expected);
    });
  }
});
