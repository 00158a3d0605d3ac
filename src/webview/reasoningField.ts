/**
 * The reasoning control, in the Parameters fieldset: the model's default, an effort (minimal, low, medium, high), or a
 * budget of thinking tokens typed beside it. Checked by `parseReasoning`, the one rule the CLI's --reasoning and
 * prompt files use too.
 */
import { REASONING, parseReasoning } from '../core/request/parameterSpecs';
import { h } from './dom';

const BUDGET = 'budget';

export class ReasoningField {
  readonly element: HTMLElement;
  private readonly choice = h('select', { id: 'reasoning', 'aria-label': 'Reasoning', title: REASONING.description },
    h('option', { value: '' }, 'default'),
    ...REASONING.efforts.map((effort) => h('option', { value: effort }, effort)),
    h('option', { value: BUDGET }, 'token budget…'));
  private readonly budget = h('input', {
    id: 'reasoning-budget', type: 'number', min: REASONING.minBudget, max: REASONING.maxBudget, step: 1, placeholder: `${REASONING.minBudget}–${REASONING.maxBudget}`,
    'aria-label': 'Reasoning budget in thinking tokens', title: `Thinking tokens, from ${REASONING.minBudget} to ${REASONING.maxBudget.toLocaleString('en-US')}`, hidden: true,
  });

  /** `changed` hears every edit: the reasoning as typed ('' = default) and what is wrong with it. */
  constructor(changed: (reasoning: string, problem: string | undefined) => void) {
    const read = () => {
      this.budget.hidden = this.choice.value !== BUDGET;
      const { text, problem } = this.read();
      changed(text, problem);
    };
    this.choice.addEventListener('change', read);
    this.budget.addEventListener('input', read);
    this.element = h('label', { class: 'param reasoning-param' }, REASONING.label, h('span', { class: 'reasoning-inputs' }, this.choice, this.budget));
  }

  /** Shows a value: '' (default), an effort, or a number of tokens. */
  fill(reasoning: string): void {
    const effort = (REASONING.efforts as readonly string[]).includes(reasoning) || reasoning === '';
    this.choice.value = effort ? reasoning : BUDGET;
    this.budget.value = effort ? '' : reasoning;
    this.budget.hidden = effort;
  }

  /** The reasoning as typed and the problem with it (an empty or out-of-range budget), marking the field. */
  read(): { text: string; problem: string | undefined } {
    const text = this.choice.value === BUDGET ? this.budget.value.trim() : this.choice.value;
    const problem = this.choice.value === BUDGET && text === ''
      ? `${REASONING.label}: type a budget of thinking tokens from ${REASONING.minBudget} to ${REASONING.maxBudget}, or pick an effort.`
      : parseReasoning(text).problem;
    this.budget.setAttribute('aria-invalid', problem ? 'true' : 'false');
    return { text, problem };
  }
}
