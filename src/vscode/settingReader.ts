/**
 * Reads `fanout.*` settings checked against the schema in the extension's own manifest, so every setting is
 * covered and the check cannot drift from what the Settings editor shows. A wrong value falls back to the
 * default and is reported once — in the log and as a warning naming the setting — never as a stack trace.
 */
import * as vscode from 'vscode';
import { checkSetting, type SettingSchema } from '../core/settingValues';

const EXTENSION_ID = 'fanout.fanout';

let schemas: Record<string, SettingSchema> | undefined;
let report: (problem: string, setting: string) => void = () => {};
const reported = new Set<string>();

function schemaOf(name: string): SettingSchema {
  if (!schemas) {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { configuration?: { properties?: Record<string, SettingSchema> } } } | undefined;
    schemas = manifest?.contributes?.configuration?.properties ?? {};
  }
  return schemas[name] ?? {};
}

/** Where problems go (set once at activation). */
export function onSettingProblem(handler: (problem: string, setting: string) => void): void {
  report = handler;
}

/** The value of `fanout.<key>`, or its default when the value does not fit the schema. */
export function setting<T>(key: string): T {
  const name = `fanout.${key}`;
  const schema = schemaOf(name);
  const checked = checkSetting<T>(name, schema, vscode.workspace.getConfiguration('fanout').get<unknown>(key), schema.default as T);
  if (checked.problem) {
    const once = `${name}=${JSON.stringify(vscode.workspace.getConfiguration('fanout').get<unknown>(key))}`;
    if (!reported.has(once)) {
      reported.add(once);
      report(checked.problem, name);
    }
  }
  return checked.value;
}
