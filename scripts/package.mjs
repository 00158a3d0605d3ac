// `npm run package`: a production build, then fanout-<version>.vsix with only what runs (see .vscodeignore).
// Prints the .vsix size and what it holds. Usage: node scripts/package.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : `fanout-${version}.vsix`);
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
const vsce = require.resolve('@vscode/vsce/vsce');
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { encoding: 'utf8' }).trim().split('\n');
// the README's pictures (docs/images/) are relative links, kept as written: there is no public repository to point them at
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
const bytes = statSync(out).size;
console.log(`${out}: ${(bytes / 1024).toFixed(1)} KB, ${listing.length} files:\n  ${listing.join('\n  ')}`);
// the size budget: each SDK bundled once, lazily. 700 KB when every SDK stopped being bundled twice (684 KB then, from
// 1003 KB); raised to 740 KB for OpenTelemetry's export chunk (+28 KB compressed, loaded only once a collector is set),
// after ajv, tools, reasoning, images and the Responses API fitted under 700. A change that grows past it says why here.
// 760 KB for evaluation in the editor (tests files, assertions, the runner and its view: +16 KB compressed, after
// csv-parse, 30 KB, was replaced by the 60-line core/evaluation/csvRows.ts).
// 775 KB for prices from @pydantic/genai-prices (the prices chunk: +14 KB, 756.7 → 771.1 KB, for 265 models where the
// hand-copied table had 63), after its data was cut to the providers our clouds are priced under (the whole library
// would add ~75 KB compressed) and the old table (2.5 KB in the extension) was removed.
// 780 KB for the playground's words on what each metric measures (hover and screen reader), its phase bar and the
// "How Fanout measures" walkthrough (+2 KB).
// 785 KB for latency phases and kept connections (the transport phase tracker and the kept-clients chunk: +2 KB).
// 860 KB for Bedrock batch inference: @aws-sdk/client-s3 and client-bedrock (+75 KB compressed) in the shared Bedrock
// SDK chunk, so they reuse its @smithy core; esbuild keeps each client's whole schema module (S3's
// 67 KB, the control plane's 78 KB, minified), which no import style shakes. Loaded only when a Bedrock deployment runs.
// 900 KB for batch in the editor (Run Evaluation as Batch, the Batch Jobs list, the batch core in the extension bundle:
// +7 KB compressed) and the batch adapters' chunks (*-batch.js, ~25 KB compressed), which the editor now loads.
const BUDGET_KB = 900;
if (bytes / 1024 > BUDGET_KB) {
  console.error(`${out} is ${(bytes / 1024).toFixed(1)} KB, over the ${BUDGET_KB} KB budget: see which chunk grew in dist/meta.json`);
  process.exit(1);
}
