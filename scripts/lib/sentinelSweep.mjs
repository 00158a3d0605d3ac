// After a lane, looks for the sentinel secrets the suites use in every file the lane left behind: the editor's
// user data (settings, state databases, logs, the extension's history and spend files), the workspace, the browser
// profile and the temporary folders. Bytes are searched as they are (binary files too), so a key in a SQLite page
// or a log is found; a secret store that keeps values encrypted is the one place a sentinel may legitimately be.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SENTINEL_PREFIX = 'sk-fanout-sentinel-';
const MAX_FILE = 64 * 1024 * 1024;

/** The files looked at, and those holding `needle` as "path (n bytes)". Unreadable entries are skipped. */
export function sweep(roots, needle = SENTINEL_PREFIX) {
  const pattern = Buffer.from(needle, 'utf8');
  const utf16 = Buffer.from(needle, 'utf16le'); // Chromium keeps some strings as UTF-16
  const hits = [];
  const paths = [];
  const walk = (path) => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      let names = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) walk(join(path, name));
      return;
    }
    if (!stat.isFile() || stat.size > MAX_FILE) return;
    paths.push(path);
    let bytes;
    try {
      bytes = readFileSync(path);
    } catch {
      return;
    }
    if (bytes.includes(pattern) || bytes.includes(utf16)) hits.push(`${path} (${stat.size} bytes)`);
  };
  for (const root of roots) walk(root);
  return { files: paths.length, paths, hits };
}
