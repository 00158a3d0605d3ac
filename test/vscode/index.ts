/**
 * Entry for the editor lane, the contract @vscode/test-electron and our code-server harness share:
 * a module exporting run(), whose rejection is the failure. Runs every *.test.js beside this file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // FANOUT_VSCODE_GREP runs only the tests whose title matches (while working on one)
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec', ...(process.env.FANOUT_VSCODE_GREP ? { grep: process.env.FANOUT_VSCODE_GREP } : {}) });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // the plain closing line CI logs are read for
      console.log(`${runner.stats?.passes ?? 0} passed, ${failures} failed, ${runner.stats?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} tests failed`));
      else resolve();
    });
  });
}
