/**
 * The status bar item: the active deployment and what the prompts have cost (today, this session or this month),
 * with a breakdown in its tooltip. Past 80% and 100% of a monthly budget it turns to the warning background and
 * says so once. Every window reads the same ledger file, so each shows the same spend.
 */
import * as vscode from 'vscode';
import type { SpendLedger, SpendPeriod, SpendSummary } from '../../core/storage/ledger';
import { PRICES_AS_OF } from '../../core/results/pricing';
import { formatCost } from '../../core/results/report';
import { Disposable } from '../platform/disposable';
import type { Log } from '../platform/log';
import { setting } from '../platform/settingReader';

const NOTIFIED_KEY = 'fanout.budgetNotified';
const PERIOD_LABEL: Record<SpendPeriod, string> = { today: 'today', session: 'this session', month: 'this month' };

export class SpendStatus extends Disposable {
  readonly item: vscode.StatusBarItem;
  /** Budget notifications shown, for tests and the log. */
  readonly notices: string[] = [];
  private refreshing: Promise<void> = Promise.resolve();
  /** The last single-deployment answer, when a fallback gave it (cleared by the next answer the deployment gave itself). */
  private fallback: { requested: string; answeredBy: string } | null = null;

  constructor(
    private readonly ledger: SpendLedger,
    private readonly active: () => string | undefined,
    private readonly globalState: vscode.Memento,
    private readonly log: Log,
    storage: vscode.Uri,
  ) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('fanout.status', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Fanout';
    this.item.command = 'fanout.switchDeployment';
    // another window's spend lands in the same file
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(storage, 'spend.jsonl')));
    for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) this.register(event(() => void this.refresh()));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('fanout.spend')) void this.refresh();
    }));
  }

  /** Says, until the next answer, that a fallback answered for `requested` (null: the deployment answered itself). */
  noteAnswer(requested: string, answeredBy: string | null): Promise<void> {
    this.fallback = answeredBy ? { requested, answeredBy } : null;
    return this.refresh();
  }

  /** Re-reads the ledger and redraws; calls are serialised so the newest state always wins. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.draw(), () => this.draw());
    return this.refreshing;
  }

  private async draw(): Promise<void> {
    const period = setting<SpendPeriod>('spend.period');
    const budget = setting<number | null>('spend.monthlyBudgetUsd');
    const { records } = await this.ledger.load();
    const summary = this.ledger.summaryOf(records, period);
    const month = this.ledger.summaryOf(records, 'month');
    const active = this.active();
    if (!active && summary.requests === 0) {
      this.item.hide();
      return;
    }
    const spent = formatCost(summary.totalUsd);
    const fallback = this.fallback ? ` · ↪ ${this.fallback.answeredBy}` : '';
    this.item.text = `$(rocket) ${active ?? 'no deployment'} · ${spent} ${PERIOD_LABEL[period]}${fallback}`;
    this.item.accessibilityInformation = { label: `Fanout: active deployment ${active ?? 'none'}; spent ${spent} ${PERIOD_LABEL[period]}${this.fallback ? `; the last answer came from the fallback ${this.fallback.answeredBy}` : ''}`, role: 'button' };
    const share = budget && budget > 0 ? month.totalUsd / budget : null;
    this.item.backgroundColor = share !== null && share >= 0.8 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = this.tooltip(active, period, summary, month, budget);
    this.item.show();
    if (share !== null) await this.notifyThresholds(share, month.totalUsd, budget!);
  }

  private tooltip(active: string | undefined, period: SpendPeriod, summary: SpendSummary, month: SpendSummary, budget: number | null): vscode.MarkdownString {
    const lines = [
      `**Fanout** — active deployment: \`${active ?? 'none'}\``,
      '',
      ...(this.fallback ? [`↪ The last answer for \`${this.fallback.requested}\` came from its fallback \`${this.fallback.answeredBy}\`.`, ''] : []),
      `Spent ${PERIOD_LABEL[period]}: **${formatCost(summary.totalUsd)}** in ${summary.requests} answer${summary.requests === 1 ? '' : 's'}`,
      '',
    ];
    if (summary.byDeployment.length) {
      lines.push('| deployment | cost | answers |', '|---|---:|---:|', ...summary.byDeployment.map((row) => `| ${row.name} | ${formatCost(row.usd)} | ${row.requests} |`), '');
      lines.push('| provider | cost |', '|---|---:|', ...summary.byProvider.map((row) => `| ${row.name} | ${formatCost(row.usd)} |`), '');
    }
    if (budget) lines.push(`Monthly budget: ${formatCost(month.totalUsd)} of ${formatCost(budget)} (${Math.round((month.totalUsd / budget) * 100)}%)`, '');
    lines.push(`${PRICES_AS_OF.replace(/^p/, 'P')}. [Switch deployment](command:fanout.switchDeployment) · [Show spend](command:fanout.showSpend)`);
    const markdown = new vscode.MarkdownString(lines.join('\n'));
    markdown.isTrusted = { enabledCommands: ['fanout.switchDeployment', 'fanout.showSpend'] };
    return markdown;
  }

  private async notifyThresholds(share: number, spent: number, budget: number): Promise<void> {
    const month = new Date().toISOString().slice(0, 7);
    const state = this.globalState.get<{ month: string; thresholds: number[] }>(NOTIFIED_KEY);
    const notified = state?.month === month ? state.thresholds : [];
    const crossed = [80, 100].filter((threshold) => share * 100 >= threshold && !notified.includes(threshold));
    if (crossed.length === 0) return;
    await this.globalState.update(NOTIFIED_KEY, { month, thresholds: [...notified, ...crossed] });
    const top = Math.max(...crossed);
    const text = top >= 100
      ? `Fanout: this month's spend (${formatCost(spent)}) has reached the budget of ${formatCost(budget)}.`
      : `Fanout: this month's spend (${formatCost(spent)}) is past ${top}% of the budget of ${formatCost(budget)}.`;
    this.notices.push(text);
    this.log.warn(text);
    void vscode.window.showWarningMessage(text, 'Show Spend').then((choice) => (choice ? vscode.commands.executeCommand('fanout.showSpend') : undefined));
  }
}
