// Builds: dist/cli.js (node, cjs), dist/providers/*.js (lazily-required chunks: each adapter, credential source and shared SDK),
// and — once they exist — dist/extension.js (vscode external) and media/playground.js (browser).
// Writes dist/meta.json so bundle sizes can be read.  Usage: node esbuild.mjs [--watch] [--dev]
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const production = !process.argv.includes('--dev');
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

/**
 * Chunks loaded on first use, found by name: in each provider folder its `adapter.ts`, its `credentials.ts`, its
 * `batch.ts` (the batch-service adapter) and its `sdk.ts` (an SDK shared by several adapters, bundled once), plus the proxy/CA transport. Importing one of these
 * from core/cli/extension code (or from another chunk) stays a runtime require of the chunk, so activation and the
 * CLI's start load no SDK, and adding a cloud's folder needs no change here. Output: dist/providers/<folder>-<file>.js.
 */
const CHUNK_FILES = ['adapter', 'credentials', 'sdk', 'batch'];
const LAZY = Object.fromEntries([
  ...readdirSync('src/providers', { withFileTypes: true }).filter((entry) => entry.isDirectory()).flatMap((folder) =>
    CHUNK_FILES.filter((file) => existsSync(`src/providers/${folder.name}/${file}.ts`)).map((file) => [`src/providers/${folder.name}/${file}`, `${folder.name}-${file}`])),
  ['src/providers/transport/network', 'network'],
  ['src/core/results/schemaValidator', 'schema-validator'], // ajv: only a run that asks for a schema loads it
  ['src/core/results/priceData', 'prices'], // @pydantic/genai-prices: loaded once, before the first answer is priced
]);
/**
 * OpenTelemetry (telemetry export, loaded only once an OTLP endpoint is set) is a lazy chunk too, in dist/telemetry:
 * the CLI ships it; the .vsix does not (.vscodeignore), since its ~96 KB (~28 KB compressed) do not fit the .vsix
 * budget — the editor says so when its endpoint setting is used without the chunk (see README, Telemetry).
 */
const TELEMETRY = { 'src/providers/telemetry/otlpSink': 'otlp-sink' };
const lazyByPath = new Map([
  ...Object.entries(LAZY).map(([source, name]) => [resolve(source), { dir: 'providers', name }]),
  ...Object.entries(TELEMETRY).map(([source, name]) => [resolve(source), { dir: 'telemetry', name }]),
]);
const lazyChunks = {
  name: 'lazy-provider-chunks',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const chunk = lazyByPath.get(resolve(args.resolveDir, args.path).replace(/\.ts$/, ''));
      // a chunk's own entry point is bundled; everyone else (other chunks too) requires the chunk at run time
      if (!chunk || args.kind === 'entry-point') return undefined;
      // chunks sit in dist/providers and dist/telemetry; the CLI and the extension sit one level up
      const from = build.initialOptions.outdir?.split('/').pop();
      const path = !from ? `./${chunk.dir}/${chunk.name}.js` : from === chunk.dir ? `./${chunk.name}.js` : `../${chunk.dir}/${chunk.name}.js`;
      return { path, external: true };
    });
  },
};

/**
 * Modules an SDK bundles that never run in Fanout's Node ≥ 22, replaced so they cost no bytes in the .vsix:
 * undici's SIMD build of its HTTP parser (undici catches the failure and uses the plain build it also ships),
 * web-streams-polyfill (fetch-blob loads it only where ReadableStream is not global; Node ≥ 18 has it), and `ws`
 * (@google/genai's Live API over WebSockets, which Fanout does not use: constructing one says so), and `debug`.
 */
const NOT_BUNDLED = [
  { filter: /llhttp[\\/]llhttp_simd-wasm\.js$/, contents: 'throw new Error("Fanout ships only the plain llhttp build");' },
  { filter: /^web-streams-polyfill(\/.*)?$/, contents: 'throw new Error("web-streams-polyfill is not bundled: Node has ReadableStream");' },
  // `debug` writes only when the DEBUG variable names a library; Fanout has its own log, so its calls are no-ops here
  { filter: /^debug$/, contents: 'function createDebug() { const log = () => {}; log.enabled = false; log.extend = createDebug; log.log = () => {}; log.destroy = () => true; return log; }\ncreateDebug.enable = () => {}; createDebug.disable = () => ""; createDebug.enabled = () => false; createDebug.default = createDebug;\nmodule.exports = createDebug;' },
  { filter: /^ws$/, contents: 'class WebSocket { constructor() { throw new Error("WebSockets (the Gemini Live API) are not bundled in Fanout"); } }\nmodule.exports = { WebSocket, default: WebSocket };' },
];
const notBundled = {
  name: 'not-bundled',
  setup(build) {
    for (const [index, { filter, contents }] of NOT_BUNDLED.entries()) {
      build.onResolve({ filter }, (args) => ({ path: `${args.path}#${index}`, namespace: 'not-bundled' }));
      build.onLoad({ filter: new RegExp(`#${index}$`), namespace: 'not-bundled' }, () => ({ contents, loader: 'js' }));
    }
  },
};

/**
 * @pydantic/genai-prices bundles the prices of every provider it knows (~480 KB minified, ~76 KB compressed); Fanout's
 * clouds are priced under four of them, plus the providers those fall back to for models they do not list themselves
 * (Azure → OpenAI, Anthropic, DeepSeek, xAI, Moonshot; Google → Anthropic). The prices chunk keeps only those, taken
 * from the library itself through its findProvider(), with what pricing never reads (descriptions, comments, pricing
 * pages, usage extractors) left out: ~13 KB compressed. The library's own calcPrice runs on them unchanged. The data
 * is the array its module starts with; if a new version lays the module out otherwise, the build stops here and says
 * so (keep the library whole by dropping this plugin, and raise the .vsix budget). test/unit/priceData.test.ts holds
 * the chunk to the whole library, model by model.
 */
const PRICED_PROVIDERS = ['openai', 'azure', 'aws', 'google'];
const priceDataOnly = {
  name: 'genai-prices-our-providers',
  setup(build) {
    build.onLoad({ filter: /[\\/]@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      const head = /^const (\w+) = \[\n/.exec(text);
      const end = text.indexOf('\n]');
      const cut = head && end > 0 ? text.slice(head[0].length - 2, end + 2) : '';
      let bundled = null;
      try {
        bundled = new Function(`return ${cut}`)();
      } catch {
        // not the data array: said below
      }
      const library = await import('@pydantic/genai-prices');
      if (!Array.isArray(bundled) || !PRICED_PROVIDERS.every((id) => bundled.some((provider) => provider.id === id && Array.isArray(provider.models)))) {
        throw new Error(`${args.path} no longer starts with its providers' price data: keep @pydantic/genai-prices whole (drop the priceDataOnly plugin in esbuild.mjs)`);
      }
      const kept = new Set(PRICED_PROVIDERS);
      for (const id of PRICED_PROVIDERS) for (const fallback of library.findProvider({ providerId: id })?.fallback_model_providers ?? []) kept.add(fallback);
      const data = [...kept].map((id) => {
        const { description, price_comments, pricing_urls, extractors, ...provider } = library.findProvider({ providerId: id });
        return { ...provider, models: provider.models.map(({ description, price_comments, context_window, ...model }) => model) };
      });
      return { contents: `const ${head[1]} = ${JSON.stringify(data)}${text.slice(end + 2)}`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: production,
  sourcemap: production ? false : 'linked',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  // prefer packages' ESM builds: tree-shakeable, and jsonc-parser's UMD main cannot be bundled
  mainFields: ['module', 'main'],
  // import() of a lazy chunk becomes a require inside a promise: works the same in the extension host and the CLI
  supported: { 'dynamic-import': false },
  define: { FANOUT_VERSION: JSON.stringify(version) },
};

const builds = [
  { ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', plugins: [lazyChunks] },
  { ...common, entryPoints: Object.entries(LAZY).map(([source, name]) => ({ in: `${source}.ts`, out: name })), outdir: 'dist/providers', plugins: [lazyChunks, notBundled, priceDataOnly] },
  { ...common, entryPoints: Object.entries(TELEMETRY).map(([source, name]) => ({ in: `${source}.ts`, out: name })), outdir: 'dist/telemetry', plugins: [lazyChunks] },
];
if (existsSync('src/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazyChunks] });
}
if (existsSync('src/evalview/main.ts')) {
  // the evaluation results view: the host renders the matrix; this small script only reports clicks
  builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', supported: {}, entryPoints: ['src/evalview/main.ts'], outfile: 'media/evaluation.js' });
}
if (existsSync('src/webview/main.ts')) {
  builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', supported: {}, entryPoints: ['src/webview/main.ts'], outfile: 'media/playground.js', loader: { '.ttf': 'file' },
    // markdown-it needs only entities' decodeHTML: its index also keeps the 23 KB HTML encoding table (a Map built at load, so
    // never shaken off). The decoder alone keeps the .vsix inside its budget.
    plugins: [{ name: 'entities-decoder', setup(build) {
      build.onResolve({ filter: /^entities$/ }, (args) => build.resolve('entities/lib/decode.js', { kind: args.kind, resolveDir: args.resolveDir }));
    } }] });
}

for (const dir of ['dist/providers', 'dist/telemetry']) rmSync(dir, { recursive: true, force: true }); // no chunk of an earlier layout ships
const started = performance.now();
const results = await Promise.all(builds.map((options) => esbuild.build(options)));
const outputs = {};
const inputs = {};
for (const { metafile } of results) {
  Object.assign(outputs, metafile.outputs);
  Object.assign(inputs, metafile.inputs);
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/meta.json', JSON.stringify({ inputs, outputs }));
const sizes = Object.entries(outputs).filter(([file]) => file.endsWith('.js')).map(([file, info]) => `${file} ${(info.bytes / 1024).toFixed(1)} KB`);
console.log(`built in ${Math.round(performance.now() - started)} ms:\n  ${sizes.join('\n  ')}`);
