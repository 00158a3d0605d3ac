/**
 * Bad input everywhere a person can type in the editor: every `fanout.*` setting (driven from the manifest, so
 * a new setting is swept too), the Set API Key / Compare / Add Deployment input boxes, and the playground's
 * parameter fields. Each mistake gets one sentence that names the field, keeps the default, and is no stack trace.
 * (The CLI flags, config files and prompt-file front matter are swept in cli, deployment and promptFile tests.)
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkApiKeyText, checkDeploymentField, checkPromptText } from '../../src/core/config/inputChecks';
import { PARAMETERS, RUN_OPTIONS, checkParam, type NumberParameter } from '../../src/core/request/params';

const PARAM_RULES: Record<'temperature' | 'maxTokens' | 'topP' | 'repeat', NumberParameter> = { ...PARAMETERS, ...RUN_OPTIONS };
import { checkSetting, type SettingSchema } from '../../src/core/config/settingValues';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, SettingSchema> } } };
const properties = manifest.contributes.configuration.properties;

function assertSentence(message: string | undefined, what: string): void {
  assert.ok(message, `${what}: expected a message`);
  assert.ok(message.length < 400, `${what}: short (${message.length})`);
  assert.ok(!/\n\s+at |Error:|undefined|\[object Object\]/.test(message), `${what}: ${message}`);
}

/** Values of the wrong type or outside the range, for one schema. */
function badValuesFor(schema: SettingSchema): unknown[] {
  const types = ([] as string[]).concat(schema.type ?? []);
  const bad: unknown[] = [{ nested: true }, ['a', 'list']];
  if (!types.includes('null')) bad.push(null);
  if (!types.includes('string')) bad.push('text', '');
  if (!types.includes('boolean')) bad.push(true);
  if (!types.includes('number') && !types.includes('integer')) bad.push(42);
  if (types.includes('integer')) bad.push(1.5, Number.NaN);
  if (schema.minimum !== undefined) bad.push(schema.minimum - 1, -1e9);
  if (schema.maximum !== undefined) bad.push(schema.maximum + 1, 1e12);
  if ((schema as { pattern?: string }).pattern) bad.push('has spaces and !', '');
  if (schema.enum) bad.push('not-an-option', String(schema.enum[0]).toUpperCase() === schema.enum[0] ? 'x' : String(schema.enum[0]).toUpperCase());
  return bad.filter((value) => !(types.includes('array') && Array.isArray(value)));
}

describe('bad input everywhere a person can type', () => {
  const table: string[] = [];
  after(() => console.log(`      ${table.join('\n      ')}`));

  it('every fanout.* setting: a wrong value is named with what it takes, and the default is used', () => {
    let cases = 0;
    const names = Object.keys(properties).filter((name) => name !== 'fanout.deployments'); // its entries are checked field by field in deployment tests
    assert.ok(names.length >= 10, 'the manifest lists the settings');
    for (const name of names) {
      const schema = properties[name]!;
      assert.ok((schema as { markdownDescription?: string; description?: string }).markdownDescription ?? (schema as { description?: string }).description, `${name} has a description`);
      assert.equal(checkSetting(name, schema, schema.default, schema.default).problem, undefined, `${name}: its own default is accepted`);
      for (const value of badValuesFor(schema)) {
        const checked = checkSetting(name, schema, value, schema.default);
        assertSentence(checked.problem, `${name}=${JSON.stringify(value)}`);
        assert.ok(checked.problem!.includes(`"${name}"`), checked.problem);
        assert.match(checked.problem!, /but it takes .+\. Using .+ until it is fixed\.$/);
        assert.deepEqual(checked.value, schema.default);
        cases++;
      }
    }
    table.push(`settings: ${names.length} settings × wrong types/ranges = ${cases} cases, each named, default kept`);
  });

  it('the Set API Key and Compare input boxes', () => {
    const keys = ['', '   ', 'sk-has space', 'line\nbreak', 'short', 'x'.repeat(5000), 'sk-ünïcode-key-123', 'tab\tkey1234'];
    for (const key of keys) assertSentence(checkApiKeyText(key), `key ${JSON.stringify(key.slice(0, 20))}`);
    assert.equal(checkApiKeyText('  test-openai-key-0001 \n'), undefined, 'surrounding whitespace is trimmed, not an error');
    for (const prompt of ['', '   ', '\n\t']) assertSentence(checkPromptText(prompt), 'prompt');
    table.push(`input boxes: ${keys.length} bad keys, 3 empty prompts`);
  });

  it('every field the Add Deployment flow asks for, for every provider', () => {
    const bases: Record<string, Record<string, unknown>> = {
      openai: { id: 'x', provider: 'openai', model: 'm' },
      'openai-compatible': { id: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'http://localhost:11434/v1' },
      'azure-openai': { id: 'x', provider: 'azure-openai', model: 'm', endpoint: 'https://r.openai.azure.com' },
      bedrock: { id: 'x', provider: 'bedrock', model: 'm', region: 'us-east-1' },
      vertex: { id: 'x', provider: 'vertex', model: 'm', project: 'p-123456', location: 'us-central1' },
      gemini: { id: 'x', provider: 'gemini', model: 'm' },
    };
    const bad: Record<string, string[]> = {
      id: ['', 'has space', 'a'.repeat(65), 'über', '../etc', '<script>'],
      model: ['', '   '],
      baseUrl: ['not a url', 'ftp://host/v1', 'http://', 'localhost:11434'],
      endpoint: ['my-resource', 'http://', 'ftp://r.openai.azure.com'],
      deployment: [''],
      region: ['', 'us east 1', 'US-EAST-1', 'mars-1'],
      project: ['', 'My Project!', 'a'],
      location: ['', 'mars', 'US-CENTRAL1'],
    };
    const asked: Record<string, string[]> = {
      openai: ['id', 'model'], 'openai-compatible': ['id', 'model', 'baseUrl'], 'azure-openai': ['id', 'model', 'endpoint', 'deployment'],
      bedrock: ['id', 'model', 'region'], vertex: ['id', 'model', 'project', 'location'], gemini: ['id', 'model'],
    };
    let cases = 0;
    for (const [provider, fields] of Object.entries(asked)) {
      for (const field of fields) {
        for (const value of bad[field]!) {
          assertSentence(checkDeploymentField(bases[provider]!, field, value), `${provider}.${field}=${JSON.stringify(value)}`);
          cases++;
        }
      }
    }
    table.push(`Add Deployment: ${cases} bad answers over 6 providers' fields, each a sentence`);
  });

  it('the playground\'s parameter fields: named, with the range; never clamped', () => {
    const bad: Record<keyof typeof PARAM_RULES, string[]> = {
      temperature: ['-0.1', '2.5', 'abc', '1e999', 'NaN'],
      maxTokens: ['0', '-5', '1.5', '2000000', 'ten'],
      topP: ['0', '-1', '1.01', 'x'],
      repeat: ['0', '51', '2.5', 'many'],
    };
    let cases = 0;
    for (const [key, values] of Object.entries(bad) as Array<[keyof typeof PARAM_RULES, string[]]>) {
      for (const value of values) {
        const checked = checkParam(PARAM_RULES[key], value);
        assertSentence(checked.problem, `${key}=${value}`);
        assert.ok(checked.problem!.startsWith(PARAM_RULES[key].label), checked.problem);
        assert.equal(checked.value, undefined, 'nothing is sent for a wrong value');
        cases++;
      }
      assertSentence(checkParam(PARAM_RULES[key], '', true).problem, `${key} unreadable`);
      cases++;
      assert.deepEqual(checkParam(PARAM_RULES[key], ''), {}, 'empty means the model default');
    }
    assert.deepEqual(checkParam(PARAM_RULES.temperature, '0.7'), { value: 0.7 });
    table.push(`playground parameters: ${cases} bad values, each named with its range`);
  });
});
