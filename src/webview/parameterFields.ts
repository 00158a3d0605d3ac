/**
 * The "Parameters" fieldset, generated from the one parameter schema (core/request/params.ts): one input per
 * entry of PARAMETER_NAMES, a number input for a number, a <select> for a choice. A new parameter there shows
 * here without a change to the webview.
 */
import { PARAMETER_NAMES, checkParam, parameterNamed, type Parameter, type ParameterName, type Params } from '../core/request/parameterSpecs';
import { h } from './dom';

interface Field {
  name: ParameterName;
  parameter: Parameter;
  input: HTMLInputElement | HTMLSelectElement;
}

function inputFor(name: ParameterName, parameter: Parameter): HTMLInputElement | HTMLSelectElement {
  if (parameter.type === 'choice') {
    return h('select', { id: name, title: parameter.description },
      h('option', { value: '' }, 'default'),
      ...parameter.values.map((value) => h('option', { value }, value)));
  }
  return h('input', { id: name, type: 'number', min: parameter.minExclusive ? parameter.step : parameter.min, max: parameter.max, step: parameter.step, placeholder: 'default', title: parameter.description });
}

/** One field as typed: its value (absent = the model's default) or what is wrong with it. */
function checkField({ parameter, input }: Field): { value?: number | string; problem?: string } {
  if (parameter.type === 'choice') return input.value === '' ? {} : { value: input.value };
  return checkParam(parameter, input.value, (input as HTMLInputElement).validity.badInput);
}

export class ParameterFields {
  readonly element: HTMLFieldSetElement;
  private readonly fields: Field[];

  /** `changed` hears every edit, with the parameters as typed and the first wrong one. */
  constructor(changed: (params: Params, problem: string | undefined) => void) {
    this.fields = PARAMETER_NAMES.map((name) => {
      const parameter = parameterNamed(name);
      return { name, parameter, input: inputFor(name, parameter) };
    });
    for (const field of this.fields) {
      const readAll = () => {
        const { params, problem } = this.read();
        changed(params, problem);
      };
      field.input.addEventListener('input', readAll);
      field.input.addEventListener('change', readAll);
    }
    this.element = h('fieldset', { class: 'params' }, h('legend', {}, 'Parameters'),
      ...this.fields.map((field) => h('label', { class: 'param' }, field.parameter.label, field.input)));
  }

  /** Shows these values; a parameter not named is emptied (the model's default). */
  fill(params: Params): void {
    for (const field of this.fields) field.input.value = params[field.name]?.toString() ?? '';
  }

  /** The parameters as typed, and the first one that is wrong (named, with its range): marks each wrong field. */
  read(): { params: Params; problem: string | undefined } {
    const params: Record<string, number | string> = {};
    let problem: string | undefined;
    for (const field of this.fields) {
      const checked = checkField(field);
      field.input.setAttribute('aria-invalid', checked.problem ? 'true' : 'false');
      field.input.title = checked.problem ?? field.parameter.description;
      if (checked.value !== undefined) params[field.name] = checked.value;
      problem ??= checked.problem;
    }
    return { params: params as Params, problem };
  }
}
