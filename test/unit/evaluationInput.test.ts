/** `fanout eval` bad input: one stderr line naming the test and field, exit 2, nothing sent. */
import * as assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';

describe('fanout eval: bad input', () => {
  let emulators: Emulators;
  let dir: string;
  let config: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refused = async (args: string[], pattern: RegExp): Promise<void> => {
    let stdout = '';
    let stderr = '';
    const code = await main(['eval', ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: { OPENAI_API_KEY: KEYS.openai }, readStdin: async () => '' });
    assert.equal(code, 2, stderr + stdout);
    assert.equal(stdout, '');
    assert.equal(stderr.split('\n').filter(Boolean).length, 1, `one line: ${stderr}`);
    assert.match(stderr.trimEnd(), pattern);
    assert.equal(emulators.openai.server.requests.length, 0, 'nothing sent');
  };
  const tests = (name: string, text: string): string[] => ['--config', config, '--tests', file(name, text)];

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-eval-input-'));
    config = file('fanout.json', JSON.stringify({ deployments: [deploymentsFor(emulators).openai] }));
  });
  after(() => emulators.stop());

  const CASES: Array<[string, string, RegExp]> = [
    ['a YAML syntax error', 'prompts: ["Hi {{x}}"\ntests: [}', /^fanout: syntax\.yaml: not valid YAML or JSON — .*line 2/],
    ['a missing var', 'prompts: ["Hi {{name}} from {{city}}"]\ntests:\n  - vars: { name: Ada, city: Paris }\n  - vars: { name: Bob }\n', /^fanout: missing\.yaml: tests\[1\]\.vars: missing "city", which prompt 1 uses — add it to this test's vars \(or to defaultTest\.vars\)$/],
    ['an unknown assertion type', 'prompts: ["Hi"]\ntests:\n  - assert: [{ type: contains, value: a }]\n  - assert: [{ type: contains, value: a }, { type: similar, value: b, threshold: 0.8 }]\n', /^fanout: unknown\.yaml: tests\[1\]\.assert\[1\]\.type: "similar" is not an assertion type Fanout supports — supported: /],
    ['a regex that does not compile', 'prompts: ["Hi"]\ntests:\n  - assert: [{ type: regex, value: "([a-z]+" }]\n', /^fanout: regex\.yaml: tests\[0\]\.assert\[0\]\.value: the regex "\(\[a-z\]\+" does not compile \(/],
    ['a var missing from an assertion', 'prompts: ["Hi"]\ntests:\n  - assert: [{ type: contains, value: "{{who}}" }]\n', /^fanout: assertvar\.yaml: tests\[0\]\.assert\[0\]\.value: uses "who", which the test's vars lack/],
    ['nunjucks filters', 'prompts: ["Hi {{ name | upper }}"]\ntests: [{ vars: { name: a } }]\n', /^fanout: nunjucks\.yaml: prompts\[0\]: "\{\{ name \| upper \}\}" is a template feature Fanout does not support/],
    ['a list var', 'prompts: ["Hi {{name}}"]\ntests: [{ vars: { name: [a, b] } }]\n', /^fanout: listvar\.yaml: tests\[0\]\.vars\.name: a list of values .* is not supported/],
    ['an unknown grader', 'prompts: ["Hi"]\ngrader: nobody\ntests: [{ assert: [{ type: llm-rubric, value: polite }] }]\n', /^fanout: grader\.yaml: grader: no deployment "nobody" in .* — known: openai-mini$/],
  ];
  const FILE_NAMES: Record<string, string> = {"a YAML syntax error": "syntax", "a missing var": "missing", "an unknown assertion type": "unknown", "a regex that does not compile": "regex", "a var missing from an assertion": "assertvar", "nunjucks filters": "nunjucks", "a list var": "listvar", "an unknown grader": "grader"};
  for (const [name, text, pattern] of CASES) {
    it(name, () => refused(tests(`${FILE_NAMES[name]}.yaml`, text), pattern));
  }

  it('a CSV with ragged rows names the test and the row', async () => {
    file('ragged.csv', 'name,city\nAda,Paris\nBob\n');
    await refused(tests('ragged.yaml', 'prompts: ["{{name}} {{city}}"]\ntests: ragged.csv\n'), /^fanout: ragged\.yaml: tests\[1\] \(ragged\.csv row 3\): has 1 fields, the header has 2 — /);
  });

  it('a JSONL line that is not JSON names the test and the line', async () => {
    file('broken.jsonl', '{"name": "Ada"}\n{"name": \n');
    await refused(tests('broken.yaml', 'prompts: ["{{name}}"]\ntests: broken.jsonl\n'), /^fanout: broken\.yaml: tests\[1\] \(broken\.jsonl line 2\): not JSON/);
  });

  it('a 100 MB dataset is refused before it is read', async () => {
    const path = join(dir, 'huge.csv');
    const handle = openSync(path, 'w');
    ftruncateSync(handle, 100 * 1024 * 1024);
    closeSync(handle);
    await refused(tests('huge.yaml', 'prompts: ["{{name}}"]\ntests: huge.csv\n'), /^fanout: huge\.yaml: tests: huge\.csv is 100\.0 MB, over the 50\.0 MB limit — split it/);
  });

  it('usage: --batch needs a file to keep its jobs in; flags are checked', async () => {
    const good = file('good.yaml', 'prompts: ["Hi"]\ntests: [{}]\n');
    await refused(['--config', config, '--tests', good, '--batch'], /^fanout: --batch: name --output FILE — the jobs are kept there/);
    await refused(['--config', config, '--tests', good, '--no-wait'], /^fanout: --no-wait: only with --batch/);
    await refused(['--config', config, '--tests', good, '--batch', '--output', join(dir, 'o.jsonl'), '--poll-ms', '0'], /^fanout: --poll-ms: "0" is not valid/);
    await refused(['--config', config], /^fanout: --tests: missing/);
    await refused(['--config', config, '--tests', good, '--format', 'html'], /^fanout: --format: "html" is not valid — use table, json, junit or markdown$/);
    await refused(['--config', config, '--tests', good, '--concurrency', '0'], /^fanout: --concurrency: "0" is not valid/);
    await refused(['--config', config, '--tests', good, '--max-cost', 'lots'], /^fanout: --max-cost: "lots" is not valid/);
    await refused(['--config', config, '--tests', good, '--deployments', 'nope'], /^fanout: --deployments: no deployment "nope"/);
    await refused(['--config', config, '--tests', join(dir, 'absent.yaml')], /^fanout: absent\.yaml: --tests: cannot read .* \(no such file\)/);
  });
});
