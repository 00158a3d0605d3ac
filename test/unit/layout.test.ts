/** The shape DESIGN.md asks for, checked: core and providers run without the editor. */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);
}

describe('layout', () => {
  it('nothing under src/core, src/providers or src/cli imports vscode', () => {
    for (const file of ['src/core', 'src/providers', 'src/cli'].flatMap(sources)) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from ['"]vscode['"]|require\(['"]vscode['"]\)/, file);
    }
  });

  it('host code does not touch the DOM', () => {
    for (const file of ['src/core', 'src/providers', 'src/cli', 'src/vscode'].flatMap(sources)) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\b(document|window)\.(querySelector|getElementById|createElement)/, file);
    }
  });
});
