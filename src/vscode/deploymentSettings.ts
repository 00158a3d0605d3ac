/**
 * The deployments from the `fanout.deployments` setting, validated with the same parser as the CLI. A broken
 * entry never hides the valid ones, and the user is told what is wrong, once per distinct problem.
 */
import * as vscode from 'vscode';
import { formatIssue, parseDeployments, type ConfigIssue, type Deployment } from '../core/deployment';
import { Disposable } from './disposable';
import type { Log } from './log';

export const SETTING = 'fanout.deployments';

export class DeploymentSettings extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private current: { deployments: Deployment[]; issues: ConfigIssue[] } = { deployments: [], issues: [] };
  private lastReported = '';
  /** The problem notifications shown so far, newest last (their text only: settings hold no secrets). */
  readonly shownProblems: string[] = [];

  constructor(private readonly log: Log) {
    super();
    this.reload();
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTING)) {
        this.reload();
        this.changed.fire();
        void this.reportProblems();
      }
    }));
  }

  get deployments(): readonly Deployment[] {
    return this.current.deployments;
  }

  get issues(): readonly ConfigIssue[] {
    return this.current.issues;
  }

  private reload(): void {
    const raw = vscode.workspace.getConfiguration().get<unknown>(SETTING, []);
    const parsed = parseDeployments(raw ?? [], SETTING);
    this.current = { deployments: parsed.deployments, issues: parsed.ok ? [] : parsed.issues };
    this.log.info(`${SETTING}: ${parsed.deployments.length} valid deployment(s)${parsed.ok ? '' : `, ${parsed.issues.length} problem(s)`}`);
    for (const issue of this.current.issues) this.log.warn(formatIssue(issue));
  }

  /** Shows the problems in a notification, unless the same ones were shown already (or `force`). */
  async reportProblems(force = false): Promise<void> {
    const key = this.current.issues.map(formatIssue).join('\n');
    if (!key || (!force && key === this.lastReported)) return;
    this.lastReported = key;
    const [first, ...rest] = this.current.issues;
    const more = rest.length ? ` (and ${rest.length} more: see the log)` : '';
    const text = `Fanout: a problem in your deployments — ${formatIssue(first!)}${more}`;
    this.shownProblems.push(text);
    const choice = await vscode.window.showWarningMessage(text, 'Open Settings', 'Show Log');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: SETTING, edit: true } });
    else if (choice === 'Show Log') this.log.show();
  }
}
