/** The "Fanout" log channel. Every line goes through the redactor first, at every level, trace included. */
import * as vscode from 'vscode';
import { Redactor } from '../../core/security/redact';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The last lines written, exactly as the channel got them (already redacted): for "what did the log say". */
  private readonly lines: string[] = [];

  constructor(readonly redactor: Redactor) {
    this.channel = vscode.window.createOutputChannel('Fanout', { log: true });
  }

  trace(message: string): void {
    this.channel.trace(this.keep(this.redactor.redact(message)));
  }

  info(message: string): void {
    this.channel.info(this.keep(this.redactor.redact(message)));
  }

  warn(message: string): void {
    this.channel.warn(this.keep(this.redactor.redact(message)));
  }

  error(message: string): void {
    this.channel.error(this.keep(this.redactor.redact(message)));
  }

  private keep(line: string): string {
    this.lines.push(line);
    if (this.lines.length > 2000) this.lines.splice(0, this.lines.length - 2000);
    return line;
  }

  recent(): readonly string[] {
    return this.lines;
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
