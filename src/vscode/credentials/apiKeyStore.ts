/**
 * API keys in the editor's SecretStorage, bound to the origin (scheme + host + port) they were saved for and
 * the provider kind: a key saved for https://a.openai.azure.com is only ever sent there. Other windows change
 * secrets too, so `onDidChange` is passed on.
 */
import * as vscode from 'vscode';
import { deploymentOrigin, type Deployment } from '../../core/config/deployment';
import type { Redactor } from '../../core/security/redact';
import { Disposable } from '../platform/disposable';

const PREFIX = 'fanout.apiKey';

export function keyName(deployment: Deployment): string {
  return `${PREFIX}:${deployment.provider}:${deploymentOrigin(deployment)}`;
}

export class ApiKeyStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with the secret's name whenever it changes, in this window or another. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly redactor: Redactor) {
    super();
    this.register(secrets.onDidChange((event) => {
      if (event.key.startsWith(PREFIX)) this.changed.fire(event.key);
    }));
  }

  async get(deployment: Deployment): Promise<string | undefined> {
    const key = await this.secrets.get(keyName(deployment));
    this.redactor.remember(key);
    return key;
  }

  async set(deployment: Deployment, value: string): Promise<void> {
    this.redactor.remember(value);
    await this.secrets.store(keyName(deployment), value);
  }

  async delete(deployment: Deployment): Promise<void> {
    this.redactor.forget(await this.secrets.get(keyName(deployment)));
    await this.secrets.delete(keyName(deployment));
  }
}
