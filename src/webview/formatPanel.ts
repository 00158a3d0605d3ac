/** The "Structured output" box: plain text, any JSON, or a JSON Schema (with its name and "strict") the answer must follow. */
import type { FormatDraft } from '../protocol';
import { h } from './dom';
import type { PlaygroundStore } from './playgroundStore';
import { SCHEMA_PRESET, checkSchema, isToolName } from './toolsCheck';

const MODES: Array<[FormatDraft['mode'], string]> = [['text', 'Text'], ['json', 'Any JSON'], ['schema', 'JSON Schema']];

export class FormatPanel {
  readonly element: HTMLDetailsElement;
  private readonly radios: HTMLInputElement[];
  private readonly name = h('input', { id: 'schema-name', type: 'text', maxlength: 64, 'aria-label': 'Schema name' });
  private readonly strict = h('input', { id: 'schema-strict', type: 'checkbox' });
  private readonly schema = h('textarea', { id: 'schema', rows: 8, spellcheck: false, placeholder: '{"type": "object", "properties": {…}, "required": […]}', 'aria-label': 'JSON Schema the answer must follow', 'aria-describedby': 'schema-problem' });
  private readonly problem = h('p', { id: 'schema-problem', class: 'field-problem', role: 'alert' });
  private readonly schemaFields: HTMLElement;

  constructor(private readonly store: PlaygroundStore) {
    this.radios = MODES.map(([mode]) => h('input', { type: 'radio', name: 'format-mode', value: mode, id: `format-${mode}`, onchange: () => this.changed() }));
    this.schemaFields = h('div', { class: 'schema-fields' },
      h('div', { class: 'select-row' },
        h('label', { class: 'inline-field', for: 'schema-name' }, 'Name', this.name),
        h('label', { class: 'inline-field', for: 'schema-strict', title: 'Strict: the cloud holds the answer to the schema where it can (OpenAI, Azure); else it is asked and checked' }, this.strict, 'strict')),
      this.schema, this.problem);
    this.element = h('details', { class: 'format-panel', open: store.inputs.format.mode !== 'text' },
      h('summary', {}, 'Structured output'),
      h('div', { class: 'select-row', role: 'radiogroup', 'aria-label': 'Answer format' },
        ...MODES.map(([mode, label], index) => h('label', { class: 'inline-field', for: `format-${mode}` }, this.radios[index]!, label)),
        h('button', { type: 'button', class: 'link', 'data-role': 'schema-example', title: 'Start from an example schema', onclick: () => this.usePreset() }, 'Example')),
      this.schemaFields);
    for (const input of [this.name, this.schema]) input.addEventListener('input', () => this.changed());
    this.strict.addEventListener('change', () => this.changed());
    this.fill(store.inputs.format);
  }

  fill(format: FormatDraft): void {
    for (const radio of this.radios) radio.checked = radio.value === format.mode;
    this.name.value = format.name;
    this.strict.checked = format.strict;
    this.schema.value = format.schema;
    if (format.mode !== 'text') this.element.open = true;
    this.changed();
  }

  private usePreset(): void {
    this.radios.forEach((radio) => (radio.checked = radio.value === 'schema'));
    this.schema.value = JSON.stringify(SCHEMA_PRESET, null, 2);
    if (!this.name.value) this.name.value = 'answer';
    this.changed();
  }

  private changed(): void {
    const mode = (this.radios.find((radio) => radio.checked)?.value ?? 'text') as FormatDraft['mode'];
    const format: FormatDraft = { mode, name: this.name.value, schema: this.schema.value, strict: this.strict.checked };
    this.schemaFields.hidden = mode !== 'schema';
    const schemaProblem = mode === 'schema' ? checkSchema(format.schema).problem : undefined;
    const nameProblem = mode === 'schema' && !isToolName(format.name) ? 'Name: letters, digits, _ and -, at most 64.' : '';
    this.problem.textContent = schemaProblem !== undefined ? `Schema ${schemaProblem}` : nameProblem;
    this.schema.setAttribute('aria-invalid', schemaProblem !== undefined ? 'true' : 'false');
    this.name.setAttribute('aria-invalid', nameProblem ? 'true' : 'false');
    this.store.updateDraft({ format });
  }
}
