/**
 * The deployments Fanout knows: the user's `fanout.deployments` setting, and workspace-shared ones from each
 * folder's `.vscode/fanout.json` (no secrets; held to the trust rules in core/trust.ts). Both are validated with
 * the CLI's parser; a broken entry never hides the valid ones, and the user is told, once per distinct problem.
 */
import * as vscode from 'vscode';
import { formatIssue, parseConfigText, parseDeployments, type ConfigIssue, type Deployment } from '../../core/config/deployment';
import { WORKSPACE_FORBIDDEN_FIELDS, forbiddenFieldReason, type DeploymentSource } from '../../core/security/trust';
import { Disposable } from '../platform/disposable';
import type { Log } from '../platform/log';

export const SETTING = 'fanout.deployments';
export const WORKSPACE_FILE = '.vscode/fanout.json';

export interface DeploymentEntry {
  deployment: Deployment;
  source: DeploymentSource;
}

export class DeploymentSettings extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private user: { deployments: Deployment[]; issues: ConfigIssue[] } = { deployments: [], issues: [] };
  private workspace: { deployments: Deployment[]; issues: ConfigIssue[] } = { deployments: [], issues: [] };
  private entries: DeploymentEntry[] = [];
  private lastReported = '';
  /** The problem notifications shown so far, newest last (their text only: settings hold no secrets). */
  readonly shownProblems: string[] = [];
  /** Settles when the workspace files have been read the first time. */
  readonly loaded: Promise<void>;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly log: Log) {
    super();
    this.loadUser();
    this.merge();
    this.loaded = this.readWorkspace().then(() => this.changed.fire());
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTING)) return;
      this.loadUser();
      this.merge();
      this.changed.fire();
      void this.reportProblems();
    }));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${WORKSPACE_FILE}`));
    const reloadWorkspace = (): void => void this.readWorkspace().then(() => {
      this.changed.fire();
      void this.reportProblems();
    });
    this.register(watcher.onDidCreate(reloadWorkspace));
    this.register(watcher.onDidChange(reloadWorkspace));
    this.register(watcher.onDidDelete(reloadWorkspace));
    // The file can come and go with its .vscode folder and no event of its own: the editor's recursive watcher
    // starts watching a new folder only once it has seen it (a file created in it before that is never reported),
    // and a deleted folder is reported without its files. The folder's own events are not lost: read again on them.
    const folders = this.register(vscode.workspace.createFileSystemWatcher('**/.vscode', false, true, false));
    this.register(folders.onDidCreate(reloadWorkspace));
    this.register(folders.onDidDelete(reloadWorkspace));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(reloadWorkspace));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  get deployments(): readonly Deployment[] {
    return this.entries.map((entry) => entry.deployment);
  }

  get issues(): readonly ConfigIssue[] {
    return [...this.user.issues, ...this.workspace.issues];
  }

  sourceOf(id: string): DeploymentSource {
    return this.entries.find((entry) => entry.deployment.id === id)?.source ?? 'user';
  }

  private loadUser(): void {
    const raw = vscode.workspace.getConfiguration().get<unknown>(SETTING, []);
    const parsed = parseDeployments(raw ?? [], SETTING);
    this.user = { deployments: parsed.deployments, issues: parsed.ok ? [] : parsed.issues };
    this.log.info(`${SETTING}: ${parsed.deployments.length} valid deployment(s)${parsed.ok ? '' : `, ${parsed.issues.length} problem(s)`}`);
    for (const issue of this.user.issues) this.log.warn(formatIssue(issue));
  }

  /** Reads the workspace files; reads run one after another, so the last one started (the newest state) lands last. */
  private readWorkspace(): Promise<void> {
    this.reading = this.reading.then(() => this.loadWorkspace(), () => this.loadWorkspace());
    return this.reading;
  }

  private async loadWorkspace(): Promise<void> {
    const deployments: Deployment[] = [];
    const issues: ConfigIssue[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_FILE);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue; // no file in this folder
      }
      const where = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
      const parsed = parseConfigText(text, where);
      if (!parsed.ok) issues.push(...parsed.issues);
      for (const deployment of parsed.deployments) {
        const forbidden = WORKSPACE_FORBIDDEN_FIELDS.filter((field) => field in deployment);
        if (forbidden.length) {
          issues.push({ path: `${where}: "${deployment.id}".${forbidden[0]}`, message: forbiddenFieldReason(forbidden[0]!) });
          continue;
        }
        deployments.push(deployment);
      }
    }
    this.workspace = { deployments, issues };
    if (deployments.length || issues.length) this.log.info(`${WORKSPACE_FILE}: ${deployments.length} workspace deployment(s)${issues.length ? `, ${issues.length} problem(s)` : ''}`);
    for (const issue of issues) this.log.warn(formatIssue(issue));
    this.merge();
  }

  private merge(): void {
    const entries: DeploymentEntry[] = this.user.deployments.map((deployment) => ({ deployment, source: 'user' }));
    const taken = new Set(entries.map((entry) => entry.deployment.id));
    const clashes: ConfigIssue[] = [];
    for (const deployment of this.workspace.deployments) {
      if (taken.has(deployment.id)) {
        clashes.push({ path: `${WORKSPACE_FILE}: "${deployment.id}"`, message: 'has the id of a deployment in your user settings, which wins — rename one of them' });
        continue;
      }
      taken.add(deployment.id);
      entries.push({ deployment, source: 'workspace' });
    }
    this.workspace.issues = [...this.workspace.issues.filter((issue) => !issue.message.startsWith('has the id of')), ...clashes];
    this.entries = entries;
  }

  /** Shows the problems in a notification, unless the same ones were shown already (or `force`). */
  async reportProblems(force = false): Promise<void> {
    const all = this.issues;
    const key = all.map(formatIssue).join('\n');
    if (!key || (!force && key === this.lastReported)) return;
    this.lastReported = key;
    const [first, ...rest] = all;
    const more = rest.length ? ` (and ${rest.length} more: see the log)` : '';
    const text = `Fanout: a problem in your deployments — ${formatIssue(first!)}${more}`;
    this.shownProblems.push(text);
    const choice = await vscode.window.showWarningMessage(text, 'Open Settings', 'Show Log');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: SETTING, edit: true } });
    else if (choice === 'Show Log') this.log.show();
  }
}
