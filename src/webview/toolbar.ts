/**
 * The toolbar: Run (Ctrl+Enter), Stop (Escape), the repeat count, why Run is not possible, the run's progress,
 * Compare and the exports.
 */
import { RUN_OPTIONS, checkParam } from '../core/request/parameterSpecs';
import type { WebviewMessage } from '../protocol';
import { h } from './dom';
import type { PlaygroundStore } from './playgroundStore';

export interface ToolbarCommands {
  run: () => void;
  compare: () => void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly repeat = h('input', { id: 'repeat', type: 'number', min: RUN_OPTIONS.repeat.min, max: RUN_OPTIONS.repeat.max, step: 1, value: 1, 'aria-label': 'Repeat count' });
  private readonly runHint = h('span', { class: 'hint', role: 'status' });
  private readonly progress = h('span', { class: 'progress' });
  private readonly compareButton: HTMLButtonElement;

  constructor(private readonly store: PlaygroundStore, post: (message: WebviewMessage) => void, commands: ToolbarCommands) {
    this.runButton = h('button', { id: 'run', type: 'button', class: 'primary', title: 'Run (Ctrl+Enter)', onclick: () => commands.run() }, 'Run');
    this.stopButton = h('button', { id: 'stop', type: 'button', class: 'secondary', title: 'Stop (Escape)', disabled: true, onclick: () => post({ type: 'stop' }) }, 'Stop');
    this.compareButton = h('button', { type: 'button', class: 'secondary', disabled: true, title: 'Compare the two checked answers in the diff editor', onclick: () => commands.compare() }, 'Compare 2');
    this.element = h('header', { class: 'toolbar' },
      h('h1', {}, 'Fanout'),
      this.runButton, this.stopButton,
      h('label', { class: 'repeat' }, 'Repeat', this.repeat),
      this.runHint, this.progress,
      h('span', { class: 'spacer' }),
      this.compareButton,
      h('button', { type: 'button', class: 'secondary', onclick: () => post({ type: 'export', format: 'markdown' }) }, 'Export Markdown'),
      h('button', { type: 'button', class: 'secondary', onclick: () => post({ type: 'export', format: 'json' }) }, 'Export JSON'));

    this.repeat.value = String(store.inputs.repeat);
    const readRepeat = () => {
      const checked = checkParam(RUN_OPTIONS.repeat, this.repeat.value, this.repeat.validity.badInput);
      this.repeat.setAttribute('aria-invalid', checked.problem ? 'true' : 'false');
      store.setProblem('repeat', checked.problem);
      return checked;
    };
    this.repeat.addEventListener('input', readRepeat);
    this.repeat.addEventListener('change', () => store.setRepeat(readRepeat().value ?? 1));
    readRepeat();

    document.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        commands.run();
      } else if (event.key === 'Escape' && store.running) {
        event.preventDefault();
        post({ type: 'stop' });
      }
    });
    for (const topic of ['draft', 'selection', 'run'] as const) store.subscribe(topic, () => this.showRunState());
    this.showRunState();
  }

  /** Compare takes exactly two checked answers. */
  setComparable(picked: number): void {
    this.compareButton.disabled = picked !== 2;
  }

  private showRunState(): void {
    const { running, run } = this.store;
    const reason = this.store.runBlocker();
    this.runButton.disabled = running || reason !== '';
    this.stopButton.disabled = !running;
    this.runHint.textContent = reason;
    this.progress.textContent = run && run.repeat > 1 ? `run ${run.iteration} of ${run.repeat}` : '';
  }
}
