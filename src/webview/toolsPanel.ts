/**
 * The "Tools" box: the tools the models may call, as a JSON array of {name, description, parameters} (a problem
 * named with its JSON pointer as it is typed), presets to add, and the tool choice.
 */
import { h } from './dom';
import type { PlaygroundStore } from './playgroundStore';
import { TOOL_PRESETS, checkTools } from './toolsCheck';

export class ToolsPanel {
  readonly element: HTMLDetailsElement;
  private readonly text = h('textarea', { id: 'tools', rows: 8, spellcheck: false, placeholder: '[{"name": "get_weather", "description": "…", "parameters": {"type": "object", …}}]', 'aria-label': 'Tools, as a JSON array of {name, description, parameters}', 'aria-describedby': 'tools-problem' });
  private readonly problem = h('p', { id: 'tools-problem', class: 'field-problem', role: 'alert' });
  private readonly choice = h('select', { id: 'tool-choice', 'aria-label': 'Tool choice' });
  private readonly summary = h('summary', {}, 'Tools');

  constructor(private readonly store: PlaygroundStore) {
    const presets = Object.keys(TOOL_PRESETS).map((name) => h('button', { type: 'button', class: 'link', 'data-preset': name, title: `Add the ${name} tool`, onclick: () => this.addPreset(name) }, `+ ${name}`));
    this.element = h('details', { class: 'tools-panel', open: store.inputs.tools.trim() !== '' },
      this.summary,
      h('div', { class: 'select-row presets', role: 'group', 'aria-label': 'Tool presets' }, ...presets),
      this.text,
      this.problem,
      h('label', { class: 'inline-field', for: 'tool-choice' }, 'Tool choice', this.choice));
    this.text.value = store.inputs.tools;
    this.text.addEventListener('input', () => this.changed());
    this.choice.addEventListener('change', () => store.updateDraft({ toolChoice: this.choice.value }));
    this.show();
  }

  /** What the host filled in (a reopened run). */
  fill(tools: string, toolChoice: string): void {
    this.text.value = tools;
    this.store.updateDraft({ tools, toolChoice });
    if (tools.trim()) this.element.open = true;
    this.show();
  }

  private addPreset(name: string): void {
    const checked = checkTools(this.text.value);
    const tools = checked.value ?? [];
    if (checked.problem !== undefined) {
      this.problem.textContent = `Fix the tools first: ${checked.problem}`;
      return;
    }
    if (!tools.some((tool) => tool.name === name)) tools.push(TOOL_PRESETS[name]!);
    this.text.value = JSON.stringify(tools, null, 2);
    this.changed();
  }

  private changed(): void {
    this.store.updateDraft({ tools: this.text.value });
    this.show();
  }

  private show(): void {
    const checked = checkTools(this.text.value);
    this.problem.textContent = checked.problem !== undefined ? `Tools ${checked.problem}` : '';
    this.text.setAttribute('aria-invalid', checked.problem !== undefined ? 'true' : 'false');
    const names = checked.value?.map((tool) => tool.name) ?? [];
    this.summary.textContent = names.length ? `Tools (${names.length})` : 'Tools';
    const current = this.store.inputs.toolChoice;
    this.choice.replaceChildren(
      h('option', { value: 'auto' }, 'auto: the model decides'),
      h('option', { value: 'none' }, 'none: answer without tools'),
      h('option', { value: 'required' }, 'required: call a tool'),
      ...names.map((name) => h('option', { value: `tool:${name}` }, `call ${name}`)));
    this.choice.value = [...this.choice.options].some((option) => option.value === current) ? current : 'auto';
    this.choice.disabled = names.length === 0;
    if (this.choice.value !== current && checked.problem === undefined) this.store.updateDraft({ toolChoice: this.choice.value });
  }
}
