/** Every assertion type, passing and failing, and its not- form: table-driven over answers made by hand. */
import * as assert from 'node:assert/strict';
import { PLAIN_ANSWER, type DeploymentResult } from '../../src/core/engine/fanout';
import type { Grade, RawAssertion } from '../../src/core/evaluation/assertions/assertion';
import { ASSERTION_TYPES, prepareAssertion } from '../../src/core/evaluation/assertions/assertionTypes';
import { evaluateAssertions } from '../../src/core/evaluation/assertions/evaluateAssertions';

function answer(text: string, extra: Partial<DeploymentResult> = {}): DeploymentResult {
  return {
    deployment: 'd', provider: 'openai', model: 'gpt-4o-mini', status: 'ok', text, finishReason: 'stop',
    metrics: { ttftMs: 120, totalMs: 800, inputTokens: 10, outputTokens: 5, tokensPerSecond: 20, costUsd: 0.002 },
    error: null, requestId: null, answeredModel: null, retries: 0, credentialMs: 0, credentialSource: null, costNote: null, cachedInputTokens: null,
    ...PLAIN_ANSWER, ...extra,
  };
}

const schema = { type: 'object', required: ['city'], properties: { city: { type: 'string' } } };
const weatherCall = answer('', { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius', days: [1, 2] } }] });

/** [assertion, answer that passes it, answer that fails it] */
const CASES: Array<[RawAssertion, DeploymentResult, DeploymentResult]> = [
  [{ type: 'equals', value: 'Paris' }, answer('Paris'), answer('paris')],
  [{ type: 'equals', value: { a: 1, b: [2] } }, answer('{"b":[2],"a":1}'), answer('{"a":2}')],
  [{ type: 'contains', value: 'Paris' }, answer('It is Paris.'), answer('It is paris.')],
  [{ type: 'icontains', value: 'PARIS' }, answer('It is paris.'), answer('It is Lyon.')],
  [{ type: 'contains-any', value: ['Paris', 'Lyon'] }, answer('Lyon!'), answer('Nice!')],
  [{ type: 'contains-all', value: 'Paris, Lyon' }, answer('Paris and Lyon'), answer('Paris only')],
  [{ type: 'icontains-any', value: ['PARIS'] }, answer('paris'), answer('nice')],
  [{ type: 'icontains-all', value: ['PARIS', 'lyon'] }, answer('paris LYON'), answer('paris')],
  [{ type: 'starts-with', value: 'Yes' }, answer('Yes, it is.'), answer('No, yes.')],
  [{ type: 'regex', value: '^\\d{4}-\\d{2}$' }, answer('2026-11'), answer('Nov 2026')],
  [{ type: 'is-json' }, answer('```json\n{"city": "Paris"}\n```'), answer('Paris')],
  [{ type: 'is-json', value: schema }, answer('{"city": "Paris"}'), answer('{"town": "Paris"}')],
  [{ type: 'contains-json' }, answer('Here: {"city": "Paris"} done'), answer('no json here')],
  [{ type: 'contains-json', value: schema }, answer('Here: {"city": "Paris"}'), answer('Here: {"city": 7}')],
  [{ type: 'json-schema', value: schema }, answer('{"city": "Paris"}', { json: { city: 'Paris' } }), answer('{}', { json: {} })],
  [{ type: 'tool-call', value: { name: 'get_weather', arguments: { city: 'Paris' } } }, weatherCall, answer('It is sunny')],
  [{ type: 'tool-call', value: { name: 'get_weather', arguments: { days: [1, 2] } } }, weatherCall, answer('', { toolCalls: [{ id: 'c', name: 'get_weather', arguments: { days: [1] } }] })],
  [{ type: 'latency', threshold: 1000 }, answer('x'), answer('x', { metrics: { ...answer('').metrics, totalMs: 1500 } })],
  [{ type: 'ttft', threshold: 200 }, answer('x'), answer('x', { metrics: { ...answer('').metrics, ttftMs: 250 } })],
  [{ type: 'cost', threshold: 0.01 }, answer('x'), answer('x', { metrics: { ...answer('').metrics, costUsd: 0.02 } })],
  [{ type: 'javascript', value: "output.includes('Paris')" }, answer('Paris'), answer('Lyon')],
  [{ type: 'javascript', value: 'return output.length / 10;', threshold: 0.5 }, answer('0123456789'), answer('0123')],
  [{ type: 'javascript', value: 'const city = context.vars.city;\nreturn { pass: output === city, reason: `wanted ${city}` };' }, answer('Paris'), answer('Lyon')],
  [{ type: 'llm-rubric', value: 'is polite', grader: 'judge' }, answer('Thank you kindly'), answer('Go away')],
  [{ type: 'llm-rubric', value: 'is polite', grader: 'judge', threshold: 0.8 }, answer('Thank you kindly'), answer('Thanks, I guess')],
];

/** A grader that passes answers with "Thank" and scores "kindly" 0.9, anything else 0.5. */
async function grade(deploymentId: string, rubric: string, text: string): Promise<Grade> {
  assert.equal(deploymentId, 'judge');
  assert.equal(rubric, 'is polite');
  return { pass: text.includes('Thank'), score: text.includes('kindly') ? 0.9 : 0.5, reason: text.includes('Thank') ? 'polite' : 'rude', costUsd: 0.0001 };
}

async function judge(raw: RawAssertion, result: DeploymentResult) {
  const prepared = await prepareAssertion(raw, { where: 'tests[0].assert[0]', responseFormat: undefined, allowJavascript: true, defaultGrader: null });
  const graderCosts: Array<number | null> = [];
  const [outcome] = await evaluateAssertions([prepared], { result, vars: { city: 'Paris' }, grade, graderCosts });
  return { ...outcome!, graderCosts };
}

describe('evaluation assertions', () => {
  it('covers every supported type', () => {
    const covered = new Set(CASES.map(([raw]) => raw.type));
    assert.deepEqual(ASSERTION_TYPES.filter((type) => !covered.has(type)), []);
  });

  for (const [raw, passing, failing] of CASES) {
    const name = `${raw.type} ${JSON.stringify(raw.value ?? raw.threshold)}${raw.threshold !== undefined && raw.value !== undefined ? ` ≥ ${raw.threshold}` : ''}`;
    it(`${name}: passes, fails, and the not- form turns both`, async () => {
      const pass = await judge(raw, passing);
      assert.equal(pass.pass, true, pass.reason);
      assert.equal(pass.type, raw.type);
      const fail = await judge(raw, failing);
      assert.equal(fail.pass, false, fail.reason);
      assert.ok(fail.reason.length > 5, 'a failure says why');
      const notPass = await judge({ ...raw, type: `not-${raw.type}` }, passing);
      assert.equal(notPass.pass, false);
      assert.equal(notPass.type, `not-${raw.type}`);
      assert.equal(notPass.reason, pass.reason, 'the reason states what was found, whichever form');
      assert.equal((await judge({ ...raw, type: `not-${raw.type}` }, failing)).pass, true);
    });
  }

  it('reasons name what was found', async () => {
    assert.equal((await judge({ type: 'contains', value: 'Paris' }, answer('Lyon'))).reason, 'the answer does not contain "Paris"');
    assert.equal((await judge({ type: 'latency', threshold: 1000 }, answer('x', { metrics: { ...answer('').metrics, totalMs: 1500 } }))).reason, 'the answer took 1.50 s (limit 1.00 s)');
    assert.match((await judge({ type: 'tool-call', value: { name: 'get_weather', arguments: { city: 'Lyon' } } }, weatherCall)).reason, /called get_weather\(\{"city":"Paris".*do not hold \{"city":"Lyon"\}/);
    assert.match((await judge({ type: 'json-schema', value: schema }, answer('{}', { json: {} }))).reason, /breaks the schema: \/: must have required property 'city'/);
    assert.equal((await judge({ type: 'javascript', value: 'throw new Error("nope")' }, answer('x'))).reason, 'the code threw: nope');
    const graded = await judge({ type: 'llm-rubric', value: 'is polite', grader: 'judge' }, answer('Thank you kindly'));
    assert.equal(graded.reason, 'judge: polite (score 0.9)');
    assert.deepEqual(graded.graderCosts, [0.0001], 'the grading cost is counted apart');
  });

  it('an unknown price fails a cost assertion with the reason, never passes as $0', async () => {
    const unknown = await judge({ type: 'cost', threshold: 1 }, answer('x', { metrics: { ...answer('').metrics, costUsd: null }, costNote: 'no price for "llama3.2"' }));
    assert.deepEqual([unknown.pass, unknown.reason], [false, 'the cost is unknown (no price for "llama3.2")']);
  });

  it('prepare refuses what cannot work, naming the field', async () => {
    const refuse = async (raw: RawAssertion, pattern: RegExp, allowJavascript = true) => {
      await assert.rejects(prepareAssertion(raw, { where: 'tests[2].assert[1]', responseFormat: undefined, allowJavascript, defaultGrader: null }), (error: Error) => {
        assert.match(error.message, pattern);
        return true;
      });
    };
    await refuse({ type: 'similar', value: 'x' }, /^tests\[2\]\.assert\[1\]\.type: "similar" is not an assertion type Fanout supports — supported: equals, /);
    await refuse({ type: 'contians', value: 'x' }, /did you mean "contains"\?/);
    await refuse({ type: 'regex', value: '(unclosed' }, /^tests\[2\]\.assert\[1\]\.value: the regex "\(unclosed" does not compile/);
    await refuse({ type: 'contains' }, /^tests\[2\]\.assert\[1\]\.value: contains needs a text value/);
    await refuse({ type: 'latency' }, /^tests\[2\]\.assert\[1\]\.threshold: latency needs a threshold in ms/);
    await refuse({ type: 'json-schema' }, /\.value: json-schema needs a JSON Schema/);
    await refuse({ type: 'json-schema', value: { type: 'nonsense' } }, /\.value: the schema itself could not be used/);
    await refuse({ type: 'tool-call', value: { arguments: {} } }, /\.value: tool-call needs the tool's name/);
    await refuse({ type: 'javascript', value: 'output.includes(' }, /\.value: the code does not compile/);
    await refuse({ type: 'javascript', value: 'true' }, /\.type: javascript assertions run only in the CLI and in trusted workspaces/, false);
    await refuse({ type: 'llm-rubric', value: 'polite' }, /\.grader: llm-rubric needs a deployment to grade with/);
  });
});
