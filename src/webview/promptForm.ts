/** The inputs of a run: the system prompt, the prompt and its images, a value for each `{{variable}}`, the parameters and reasoning. */
import { variablesIn } from '../core/request/template';
import type { PlaygroundState } from '../protocol';
import { h } from './dom';
import type { ImageAttachments } from './imageAttachments';
import { ParameterFields } from './parameterFields';
import type { PlaygroundStore } from './playgroundStore';
import { ReasoningField } from './reasoningField';

export class PromptForm {
  /** In order, each a direct child of the inputs column. */
  readonly elements: HTMLElement[];
  private readonly system = h('textarea', { id: 'system', rows: 3, placeholder: 'Optional: how the model should behave', 'aria-label': 'System prompt' });
  private readonly prompt = h('textarea', { id: 'prompt', rows: 7, placeholder: 'Write the prompt. {{name}} makes a variable.', 'aria-label': 'Prompt' });
  private readonly variables = h('div', { class: 'variables', 'aria-label': 'Variables' });
  private readonly parameters: ParameterFields;
  private readonly reasoning: ReasoningField;

  constructor(private readonly store: PlaygroundStore, images: ImageAttachments) {
    this.parameters = new ParameterFields((params, problem) => {
      store.setProblem('parameters', problem);
      store.updateDraft({ params });
    });
    this.reasoning = new ReasoningField((reasoning, problem) => {
      store.setProblem('reasoning', problem);
      store.updateDraft({ reasoning });
    });
    this.parameters.element.append(this.reasoning.element);
    const { system, prompt, params, reasoning } = store.inputs;
    this.system.value = system;
    this.prompt.value = prompt;
    this.parameters.fill(params);
    this.reasoning.fill(reasoning);
    images.listenOn(this.prompt);
    for (const element of [this.system, this.prompt]) element.addEventListener('input', () => {
      this.renderVariables();
      store.updateDraft({ system: this.system.value, prompt: this.prompt.value });
    });
    this.elements = [
      h('details', { class: 'system', open: system !== '' }, h('summary', {}, 'System prompt'), this.system),
      h('label', { class: 'block-label', for: 'prompt' }, 'Prompt'), this.prompt,
      images.element,
      this.variables,
      this.parameters.element,
    ];
    this.renderVariables();
    store.setProblem('parameters', this.parameters.read().problem);
    store.setProblem('reasoning', this.reasoning.read().problem);
  }

  /** Fills in what the host sent (a reopened run, a prompt file, an editor selection); the rest stays as typed. */
  fill(content: Partial<Pick<PlaygroundState, 'system' | 'prompt' | 'variables' | 'params' | 'reasoning' | 'images'>>): void {
    if (content.system !== undefined) this.system.value = content.system;
    if (content.prompt !== undefined) this.prompt.value = content.prompt;
    if (content.params) this.parameters.fill(content.params);
    if (content.reasoning !== undefined) this.reasoning.fill(content.reasoning);
    const { params, problem } = this.parameters.read();
    const reasoning = this.reasoning.read();
    this.store.setProblem('parameters', problem);
    this.store.setProblem('reasoning', reasoning.problem);
    this.store.updateDraft({
      system: this.system.value, prompt: this.prompt.value, ...(content.variables ? { variables: content.variables } : {}), params, reasoning: reasoning.text,
      ...(content.images ? { images: content.images } : {}),
    });
    this.renderVariables();
  }

  focusPrompt(): void {
    this.prompt.focus();
  }

  private renderVariables(): void {
    const names = variablesIn(this.system.value, this.prompt.value);
    if (names.length === 0) {
      this.variables.replaceChildren();
      return;
    }
    this.variables.replaceChildren(h('div', { class: 'block-label' }, 'Variables'), h('table', {}, ...names.map((name) => {
      const input = h('input', { type: 'text', value: this.store.inputs.variables[name] ?? '', 'aria-label': `Value of ${name}`, 'data-variable': name });
      input.addEventListener('input', () => this.store.updateDraft({ variables: { [name]: input.value } }));
      return h('tr', {}, h('th', { scope: 'row' }, `{{${name}}}`), h('td', {}, input));
    })));
  }
}
