/**
 * The editor's opt-in telemetry: `fanout.telemetry.otlpEndpoint` (machine scope), its protocol and
 * `fanout.telemetry.includeContent`; the collector's headers only from secret storage ("Fanout: Set Telemetry
 * Collector Headers"), never from settings or the environment. OpenTelemetry is loaded on the first call after an
 * endpoint is set, never before; a change of setting or headers starts a new exporter.
 */
import * as vscode from 'vscode';
import type { Deployment } from '../../core/config/deployment';
import type { FanoutOptions } from '../../core/engine/fanout';
import type { ChatRequest } from '../../core/request/stream';
import { parseHeaders, telemetryFromSettings } from '../../core/telemetry/telemetryConfig';
import { loadTelemetrySink, withTelemetry, type TelemetrySink } from '../../core/telemetry/telemetrySink';
import { Disposable } from '../platform/disposable';
import type { Log } from '../platform/log';
import { setting } from '../platform/settingReader';

const HEADERS_SECRET = 'fanout.telemetry.headers';

export class EditorTelemetry extends Disposable {
  private sink: Promise<{ sink: TelemetrySink; includeContent: boolean } | null> | null = null;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('fanout.telemetry')) this.restart();
    }));
    this.register(secrets.onDidChange((event) => {
      if (event.key === HEADERS_SECRET) this.restart();
    }));
    this.register(vscode.commands.registerCommand('fanout.setTelemetryHeaders', () => this.askHeaders()));
  }

  /** The run's options, also reporting each call when telemetry is on. */
  async wrap<O extends Pick<FanoutOptions, 'onEvent'>>(options: O, request: ChatRequest, deployments: readonly Deployment[], requested?: string): Promise<O> {
    const loaded = await (this.sink ??= this.load());
    return loaded ? withTelemetry(options, { ...loaded, request, deployments, ...(requested ? { requested } : {}) }) : options;
  }

  private async load(): Promise<{ sink: TelemetrySink; includeContent: boolean } | null> {
    const choice = telemetryFromSettings({
      endpoint: setting<string>('telemetry.otlpEndpoint'), protocol: setting<string>('telemetry.otlpProtocol'), includeContent: setting<boolean>('telemetry.includeContent'),
    }, await this.secrets.get(HEADERS_SECRET));
    if (!choice.ok) {
      this.log.warn(`telemetry: ${choice.problem}`);
      return null;
    }
    if (!choice.config) return null;
    try {
      const sink = await loadTelemetrySink(choice.config);
      this.log.info(`telemetry: spans and metrics go to ${choice.config.tracesUrl.replace(/\/v1\/traces$/, '')} (${choice.config.protocol}${choice.config.includeContent ? ', with prompts and answers' : ''})`);
      return { sink, includeContent: choice.config.includeContent };
    } catch (error) {
      // the published .vsix leaves the OpenTelemetry chunk out (its size budget): the CLI has it
      this.log.warn(`telemetry: the OpenTelemetry exporter is not in this build (${(error as Error).message}); use the fanout CLI with OTEL_EXPORTER_OTLP_ENDPOINT`);
      return null;
    }
  }

  private restart(): void {
    const previous = this.sink;
    this.sink = null;
    void previous?.then((loaded) => loaded?.sink.shutdown());
  }

  private async askHeaders(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Fanout: Set Telemetry Collector Headers',
      prompt: 'Headers for your OpenTelemetry collector, as name=value pairs separated by commas (e.g. "x-api-key=…"). Kept in secret storage. Empty removes them.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => {
        const parsed = parseHeaders(text, 'Headers');
        return parsed.ok ? null : parsed.problem;
      },
    });
    if (value === undefined) return;
    if (value.trim()) await this.secrets.store(HEADERS_SECRET, value.trim());
    else await this.secrets.delete(HEADERS_SECRET);
    this.log.info(`telemetry: collector headers ${value.trim() ? 'saved' : 'removed'}`);
  }

  override dispose(): void {
    this.restart();
    super.dispose();
  }
}
