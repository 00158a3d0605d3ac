/** The one parameter schema: every front end takes its checks from it, and the settings schema in package.json agrees with it. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE, parseCliArguments } from '../../src/cli/args';
import { parseDeployments } from '../../src/core/config/deployment';
import { PARAMETER_NAMES, describeRange, parameterNamed, type NumberParameter } from '../../src/core/request/params';
import { parsePromptFile } from '../../src/core/request/promptFile';
import { webviewMessageSchema } from '../../src/protocol';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
const settingParams: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties['fanout.deployments'].items.properties.params.properties;

/** A value just outside each bound, and one inside. */
function samples(parameter: NumberParameter): { inside: number; outside: number[] } {
  const outside = [parameter.max + 1, parameter.minExclusive ? parameter.min : parameter.min - 1];
  if (parameter.type === 'integer') outside.push(parameter.min + 0.5);
  return { inside: parameter.max, outside };
}

describe('the one parameter schema', () => {
  it('package.json\'s deployment params list exactly the schema\'s parameters, with the same type, bounds and description', () => {
    assert.deepEqual(Object.keys(settingParams).sort(), [...PARAMETER_NAMES].sort());
    for (const name of PARAMETER_NAMES) {
      const parameter = parameterNamed(name);
      const setting = settingParams[name]!;
      assert.equal(setting.markdownDescription, parameter.description, `${name}: description`);
      if (parameter.type === 'choice') {
        assert.deepEqual(setting.enum, parameter.values, `${name}: values`);
        continue;
      }
      assert.equal(setting.type, parameter.type, `${name}: type`);
      assert.equal(setting.maximum, parameter.max, `${name}: maximum`);
      if (parameter.minExclusive) assert.equal(setting.exclusiveMinimum, parameter.min, `${name}: exclusiveMinimum`);
      else assert.equal(setting.minimum, parameter.min, `${name}: minimum`);
    }
  });

  it('the CLI, the protocol, prompt files and deployment config accept and refuse the same values', async () => {
    const run = { type: 'run', system: '', prompt: 'x', variables: {}, deploymentIds: ['a'], repeat: 1 };
    for (const name of PARAMETER_NAMES) {
      const parameter = parameterNamed(name);
      if (parameter.type === 'choice') continue;
      assert.match(USAGE, new RegExp(`${parameter.flag} `), `${name} in --help`);
      const { inside, outside } = samples(parameter);
      const cli = (value: number) => parseCliArguments(['run', '--config', 'c.json', '--prompt', 'x', `${parameter.flag}=${value}`]);
      const config = (value: number) => parseDeployments([{ id: 'a', provider: 'openai', model: 'm', params: { [name]: value } }]);
      const front = (value: number) => parsePromptFile(`---\n${name}: ${value}\n---\nx\n`);
      assert.deepEqual((cli(inside) as { params: unknown }).params, { [name]: inside });
      assert.ok(webviewMessageSchema.safeParse({ ...run, params: { [name]: inside } }).success);
      assert.ok(config(inside).ok);
      assert.ok((await front(inside)).ok);
      for (const value of outside) {
        assert.throws(() => cli(value), new RegExp(`${parameter.flag}: "${value}" is not valid — use ${describeRange(parameter)}`));
        assert.equal(webviewMessageSchema.safeParse({ ...run, params: { [name]: value } }).success, false, `protocol ${name}=${value}`);
        const checked = config(value);
        assert.ok(!checked.ok && checked.issues[0]!.message.includes(`use ${describeRange(parameter)}`), `config ${name}=${value}`);
        const file = await front(value);
        assert.ok(!file.ok && file.problem.includes(`use ${describeRange(parameter)}`), `front matter ${name}=${value}`);
      }
    }
  });
});
