/**
 * Reads `fanout.*` settings checked against the schema in the extension's own manifest, so every setting is
 * covered and the check cannot drift from what the Settings editor shows. A wrong value falls back to the
 * default and is reported once — in the log and as a warning naming the setting — never as a stack trace.
 */
import * as vscode from 'vscode';
import { checkSetting, type SettingSchema } from '../../core/config/settingValues';

type Manifest = { contributes?: { configuration?: { properties?: Record<string, SettingSchema> } } };

let schemas: Record<string, SettingSchema> = {};
let report: (problem: string, setting: string) => void = () => {};
const reported = new Set<string>();

/** The extension's manifest (its settings' schemas) and where problems go: set once at activation. */
export function checkSettingsWith(manifest: unknown, handler: (problem: string, setting: string) => void): void {
  schemas = (manifest as Manifest | undefined)?.contributes?.configuration?.properties ?? {};
  report = handler;
}

/** The value of `fanout.<key>`, or its default when the value does not fit the schema. */
export function setting<T>(key: string): T {
  const name = `fanout.${key}`;
  const schema = schemas[name] ?? {};
  const value = vscode.workspace.getConfiguration('fanout').get<unknown>(key);
  const checked = checkSetting<T>(name, schema, value, schema.default as T);
  if (checked.problem) {
    const once = `${name}=${JSON.stringify(value)}`;
    if (!reported.has(once)) {
      reported.add(once);
      report(checked.problem, name);
    }
  }
  return checked.value;
}
