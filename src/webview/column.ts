/** One deployment's column: status, live metrics, the streamed answer, and the fix when it fails. */
import type { ColumnAction, ColumnMetrics, ColumnResult, ColumnStatus, DeploymentView, TurnView } from '../protocol';
import { structuredElement, toolCallsElement, turnsElement, warningsElement } from './columnDetails';
import { ColumnReasoning } from './columnReasoning';
import { formatCost, formatMs, formatNumber, h } from './dom';
import { MarkdownStream } from './markdownStream';
import { PhaseBar } from './phaseBar';
import { retriesText } from './runSummaryText';

export interface ColumnSnapshot {
  id: string;
  status: ColumnStatus;
  text: string;
  result: ColumnResult | null;
  /** Reasoning streamed before the result came (a stream cut by a reload). */
  reasoning?: string;
  /** The earlier turns of its thread (absent in a state saved before conversations). */
  turns?: TurnView[];
}

export interface ColumnCallbacks {
  action: (deploymentId: string, action: ColumnAction['action']) => void;
  copy: (deploymentId: string) => void;
  insert: (deploymentId: string) => void;
  rerun: (deploymentId: string) => void;
  /** Write the next turn for this column alone. */
  followUp: (deploymentId: string) => void;
  compareToggled: () => void;
  /** Pin this column to the left of the row (or unpin it), to read it beside each of the others. */
  pinToggled: (deploymentId: string) => void;
}

/**
 * Each metric: its field, its hook (data-metric), its label, what it measures (the hover and the screen reader's
 * description, as README "How Fanout measures" says). The reasoning ones show when a column reasons.
 */
const METRICS: Array<[keyof ColumnMetrics, string, string, string]> = [
  ['ttftMs', 'ttft', 'first token', 'Time to first token: from the moment the request was sent to the first visible (non-reasoning) token. Signing in and looking up the credential are timed apart, never in it.'],
  ['ttfrMs', 'ttfr', 'first reasoning', 'Time to first reasoning: from the request sent to the first reasoning token.'],
  ['totalMs', 'total', 'total', 'Total: from the request sent to the last byte of the answer (while streaming: the time so far).'],
  ['tokensPerSecond', 'tps', 'visible tok/s', 'Visible tokens per second: the visible output tokens (output less reasoning) over the time after the first visible token, so the wait for the first token does not dilute it.'],
  ['inputTokens', 'input', 'in', 'Input tokens, as the cloud counted them in its usage (cached reads and writes included).'],
  ['outputTokens', 'output', 'out', 'Output tokens, as the cloud counted them in its usage (reasoning included).'],
  ['reasoningTokens', 'reasoning', 'reasoning', 'Reasoning tokens, inside the output tokens; "—" where the cloud does not count them.'],
  ['costUsd', 'cost', 'cost', "Cost: the cloud's usage (input, cached, output tokens) times the model's price in Fanout's dated price table, or the deployment's own pricing; \"—\" when the model has no known price (never $0)."],
];
const REASONING_METRICS = ['ttfr', 'reasoning'];
const BUDGET_SPENT = /spent its whole output budget/;

const STATUS_TEXT: Record<ColumnStatus, string> = { waiting: 'waiting', streaming: 'streaming', ok: 'done', error: 'failed', cancelled: 'stopped' };

export class Column {
  readonly element: HTMLElement;
  readonly stream: MarkdownStream;
  status: ColumnStatus = 'waiting';
  result: ColumnResult | null = null;
  ttftMs: number | null = null;
  ttfrMs: number | null = null;
  readonly reasoning: ColumnReasoning;
  private readonly budgetWarning = h('p', { class: 'budget-warning', role: 'alert', hidden: true });
  private readonly statusElement: HTMLElement;
  private readonly noteElement: HTMLElement;
  private readonly badgesElement: HTMLElement;
  private readonly errorElement: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly details = h('div', { class: 'column-details' });
  private readonly metricElements = new Map<string, HTMLElement>();
  private readonly phases = new PhaseBar();
  readonly comparePick: HTMLInputElement;
  private readonly pinButton: HTMLButtonElement;
  private readonly buttons: HTMLButtonElement[];

  constructor(readonly deployment: DeploymentView, private readonly callbacks: ColumnCallbacks, readonly turns: readonly TurnView[] = []) {
    this.statusElement = h('span', { class: 'status', role: 'status', 'aria-live': 'polite', 'aria-label': `${deployment.id}: waiting` }, 'waiting');
    this.noteElement = h('span', { class: 'status-note' });
    this.badgesElement = h('div', { class: 'badges' });
    this.errorElement = h('div', { class: 'error', role: 'alert', hidden: true });
    this.footer = h('footer', { class: 'column-footer' });
    const metrics = h('dl', { class: 'metrics' });
    const idBase = `m-${deployment.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    for (const [, hook, label, meaning] of METRICS) {
      const value = h('dd', { 'data-metric': hook, 'aria-describedby': `${idBase}-${hook}` }, '—');
      this.metricElements.set(hook, value);
      metrics.append(h('div', { class: 'metric', title: meaning, hidden: REASONING_METRICS.includes(hook) }, h('dt', {}, label), value,
        h('span', { id: `${idBase}-${hook}`, class: 'visually-hidden' }, meaning)));
    }
    metrics.append(this.phases.element);
    this.reasoning = new ColumnReasoning(deployment.id);
    this.comparePick = h('input', { type: 'checkbox', class: 'compare-pick', 'aria-label': `Compare the answer of ${deployment.id}`, onchange: () => callbacks.compareToggled() });
    this.pinButton = h('button', { type: 'button', class: 'link pin', 'aria-pressed': 'false', title: 'Pin to the left, to read it beside each of the others', 'aria-label': `Pin ${deployment.id} to the left`, onclick: () => callbacks.pinToggled(deployment.id) }, 'Pin');
    this.buttons = [
      h('button', { class: 'secondary', type: 'button', title: 'Copy the answer', onclick: () => callbacks.copy(deployment.id) }, 'Copy'),
      h('button', { class: 'secondary', type: 'button', title: 'Insert the answer at the editor cursor', onclick: () => callbacks.insert(deployment.id) }, 'Insert'),
      h('button', { class: 'secondary', type: 'button', title: 'Run this deployment again', onclick: () => callbacks.rerun(deployment.id) }, 'Re-run'),
      h('button', { class: 'secondary', type: 'button', 'data-role': 'follow-up', title: 'Write the next turn for this column alone', 'aria-label': `Follow up ${deployment.id} alone`, onclick: () => callbacks.followUp(deployment.id) }, 'Follow up'),
    ];
    const output = h('div', { class: 'output', 'data-role': 'output', tabindex: 0, 'aria-label': `Answer of ${deployment.id}` });
    this.stream = new MarkdownStream(output);
    const where = [deployment.providerLabel, deployment.model, deployment.region].filter(Boolean).join(' · ');
    this.element = h('article', { class: 'column', 'data-deployment': deployment.id, 'data-status': 'waiting', tabindex: -1, 'aria-label': `${deployment.id}: ${where}` },
      h('header', { class: 'column-header' },
        h('div', { class: 'column-title' }, h('h2', {}, deployment.id), this.pinButton, this.statusElement),
        h('div', { class: 'column-sub', title: where }, where),
        this.noteElement,
        this.badgesElement),
      metrics,
      h('div', { class: 'column-actions' }, ...this.buttons, h('label', { class: 'compare-label' }, this.comparePick, 'compare')),
      // the failure, the warning and the answer share the column's flexible row, so one column's error box does not
      // push every other column's answer down
      h('div', { class: 'column-main' },
        this.errorElement,
        this.budgetWarning,
        h('div', { class: 'column-body' }, turnsElement(turns), this.reasoning.element, output, this.details)),
      this.footer);
    this.setButtonsEnabled(false);
  }

  private setButtonsEnabled(enabled: boolean): void {
    for (const button of this.buttons.slice(0, 2)) button.disabled = !enabled;
    this.buttons[3]!.disabled = !enabled;
    this.comparePick.disabled = !enabled;
  }

  setStatus(status: ColumnStatus, note: string | null = null): void {
    this.status = status;
    this.element.dataset.status = status;
    this.statusElement.textContent = STATUS_TEXT[status];
    this.statusElement.setAttribute('aria-label', `${this.deployment.id}: ${STATUS_TEXT[status]}${note ? `, ${note}` : ''}`);
    this.noteElement.textContent = note ?? '';
    this.buttons[2]!.disabled = status === 'waiting' || status === 'streaming';
  }

  /** While streaming: the elapsed time so far, and the first-token time once known. */
  showLive(elapsedMs: number): void {
    if (this.ttftMs !== null) this.metricElements.get('ttft')!.textContent = formatMs(this.ttftMs);
    if (this.ttfrMs !== null) {
      this.showReasoningMetrics();
      this.metricElements.get('ttfr')!.textContent = formatMs(this.ttfrMs);
    }
    this.metricElements.get('total')!.textContent = formatMs(elapsedMs);
  }

  finish(result: ColumnResult): void {
    this.result = result;
    // usually the streamed text is the answer: only its open tail needs rendering, not the whole answer again
    if (this.stream.value !== result.text) this.stream.reset(result.text);
    this.stream.render();
    this.setStatus(result.status, retriesText(result.retries) || null);
    this.phases.show(result.metrics);
    const values: Record<string, string> = {
      ttft: formatMs(result.metrics.ttftMs),
      total: formatMs(result.metrics.totalMs),
      tps: formatNumber(result.metrics.tokensPerSecond),
      input: formatNumber(result.metrics.inputTokens),
      output: formatNumber(result.metrics.outputTokens),
      cost: formatCost(result.metrics.costUsd),
    };
    for (const [hook, text] of Object.entries(values)) this.metricElements.get(hook)!.textContent = text;
    this.metricElements.get('cost')!.title = result.costNote ?? '';
    this.showReasoning(result);
    const calls = result.toolCalls ?? [];
    this.setButtonsEnabled(result.text.length > 0);
    this.buttons[3]!.disabled = result.status !== 'ok' || calls.some((call) => call.awaiting);
    // an answer that spent its whole budget thinking says so where it cannot be missed; the other warnings stay quiet
    const warnings = result.warnings ?? [];
    const spent = warnings.find((warning) => BUDGET_SPENT.test(warning));
    this.budgetWarning.hidden = !spent;
    this.budgetWarning.textContent = spent ?? '';
    this.details.replaceChildren(...[toolCallsElement(calls), structuredElement(result.structured ?? null), warningsElement(warnings.filter((warning) => warning !== spent))].filter((element) => element !== null));
    // one re-run action per column: where the failure box offers it, the actions row does not repeat it
    const rerunInBox = result.actions.some((action) => action.action === 'retry');
    this.buttons[2]!.hidden = rerunInBox;
    if (result.error) {
      const stopped = result.status === 'cancelled';
      this.errorElement.hidden = false;
      // stopping is not a failure: it is shown, but not as an error
      this.errorElement.className = stopped ? 'error stopped' : 'error';
      this.errorElement.setAttribute('role', stopped ? 'status' : 'alert');
      this.errorElement.replaceChildren(
        h('p', { class: 'error-kind' }, stopped ? 'stopped' : result.error.kind.replace('_', ' ')),
        h('p', { class: 'error-message' }, stopped ? (result.text ? 'Stopped while streaming: the text so far is kept below.' : 'Stopped before the first token.') : result.error.message),
        h('div', { class: 'error-actions' }, ...result.actions.map((action, index) => h('button', {
          type: 'button', class: index === 0 ? 'primary' : 'secondary', 'data-action': action.action, 'aria-label': `${action.label}: ${this.deployment.id}`,
          onclick: () => (action.action === 'retry' ? this.callbacks.rerun(this.deployment.id) : this.callbacks.action(this.deployment.id, action.action)),
        }, action.label))),
      );
    } else {
      this.errorElement.hidden = true;
      this.errorElement.replaceChildren();
    }
    const notes = [
      result.answeredModel ? `answered by ${result.answeredModel}` : '',
      result.status === 'ok' && result.metrics.costUsd === null && result.costNote ? result.costNote : '',
      result.finishReason === 'length' ? 'stopped at max tokens' : '',
      result.credentialSource ? `credential: ${result.credentialSource}` : '',
      result.requestId ? `request ${result.requestId}` : '',
    ].filter(Boolean);
    this.footer.replaceChildren(...notes.map((note) => h('span', {}, note)));
  }

  /** The reasoning section and metrics of a finished answer: tokens ("—" where the cloud does not count them), first reasoning. */
  private showReasoning(result: ColumnResult): void {
    const { reasoningTokens, ttfrMs } = result.metrics;
    const redacted = result.redactedReasoning ?? 0;
    this.reasoning.finish(result.reasoning ?? null, reasoningTokens, redacted);
    if (!result.reasoning && !reasoningTokens && (ttfrMs ?? null) === null && redacted === 0) return;
    this.showReasoningMetrics();
    const tokens = this.metricElements.get('reasoning')!;
    tokens.textContent = formatNumber(reasoningTokens ?? null);
    tokens.title = reasoningTokens === null || reasoningTokens === undefined ? 'this cloud does not count reasoning' : '';
    this.metricElements.get('ttfr')!.textContent = formatMs(ttfrMs ?? null);
    if (result.metrics.tokensPerSecond === null && result.reasoning && (reasoningTokens ?? null) === null) {
      this.metricElements.get('tps')!.title = 'not known: this cloud streamed reasoning it does not count, so the visible share of the output is unknown';
    }
  }

  private showReasoningMetrics(): void {
    for (const hook of REASONING_METRICS) this.metricElements.get(hook)!.parentElement!.hidden = false;
  }

  /** Pinned: first in the row and held at its left edge while the others scroll under it. */
  setPinned(pinned: boolean): void {
    this.element.classList.toggle('pinned', pinned);
    this.pinButton.setAttribute('aria-pressed', String(pinned));
    this.pinButton.textContent = pinned ? 'Unpin' : 'Pin';
  }

  setBadges(labels: string[]): void {
    this.badgesElement.replaceChildren(...labels.map((label) => h('span', { class: 'badge' }, label)));
  }

  setSpread(text: string | null): void {
    if (text) this.footer.prepend(h('span', { class: 'spread' }, text));
  }

  snapshot(): ColumnSnapshot {
    return { id: this.deployment.id, status: this.status, text: this.stream.value, result: this.result, turns: [...this.turns], ...(this.reasoning.value ? { reasoning: this.reasoning.value } : {}) };
  }
}
