/**
 * How a Lambda function's asset is built (TousuFunction's local bundling; also used by bench/bundles.bench.ts):
 * one esbuild run, in process, no Docker. See the module comment of ./tousu-function.ts for the decisions.
 *
 * Asset layout (the handler is `functions/<name>/index.handler`):
 *
 *   functions/<name>/index.mjs (+ .map)              the entry: the code a cold start loads, with the chunks it
 *   functions/<name>/chunks/*.mjs (+ .map)           imports statically; chunks reached only through
 *                                                    `await import()` load when that path first runs
 *   config/{jurisdictions,rules,calendar}/, web/console/, node_modules/chinese-days/…   run-time data
 *   functions/<name>/{,chunks/}tables/*.json         iconv-lite's charset tables (mail functions only)
 *   node_modules/encoding-japanese/                  required on first use of a Japanese charset (mail functions)
 *   node_modules/@node-rs/jieba/dict.txt             read on the first duplicate check (intakes, screening)
 */
import { buildSync } from 'esbuild';
import type { Metafile } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../config';

/** Node resolves this banner before any bundled code: CommonJS dependencies get a real `require`. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __tousuCreateRequire } from 'node:module'; const require = __tousuCreateRequire(import.meta.url);";

/** Files copied into every asset (see the module comment). Relative to the repository root. */
export const RUNTIME_DATA = [
  'config/jurisdictions',
  'config/rules',
  'config/calendar',
  'web/console',
  'node_modules/chinese-days/package.json',
  'node_modules/chinese-days/dist/chinese-days.json',
] as const;

export interface BundleResult {
  metafile: Metafile;
  /** Output files (absolute) that `import` of the entry loads: the entry and the chunks it imports statically. */
  eager: string[];
  /** Data files copied because a bundled module requires them lazily (relative to the asset root). */
  lazyData: string[];
}

/**
 * iconv-lite requires each multi-byte charset table (`require('./tables/cp936.json')`, 35–85 KB each, ~420 KB in
 * all) inside a function that runs on the first use of that charset. Bundled, they would all sit in the code
 * file (as JavaScript, slower to parse than JSON); kept external, each stays that `require()` of a JSON file,
 * which the banner's createRequire resolves relative to the output file that runs it, where the tables are
 * copied. Same data, loaded by the same call (note: mailparser's libmime loads the GB tables at import). (esbuild plugins would be
 * neater but need the asynchronous API, and CDK's local bundling is synchronous.)
 */
const LAZY_TABLES = './tables/*';
const TABLES_OWNER = /(^|\/)node_modules\/iconv-lite\/encodings\/[^/]+\.js$/;

/** Copies each lazily required table beside the output files that require it; refuses any other `./tables/*`. */
function copyLazyTables(metafile: Metafile, outputDir: string): string[] {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const i of imports) {
      if (i.external && i.path.startsWith('./tables/') && !TABLES_OWNER.test(input)) {
        throw new Error(`bundleFunction: ${input} requires ${i.path}, which is kept external only for iconv-lite`);
      }
    }
  }
  const tables = new Set<string>();
  for (const { imports } of Object.values(metafile.outputs)) for (const i of imports) if (i.external && i.path.startsWith('./tables/')) tables.add(i.path);
  if (tables.size === 0) return [];
  // The require() runs in esbuild's `__require` helper, which may sit in the entry or in a shared chunk: each
  // output directory gets the tables, so the relative path resolves from either.
  const source = join(REPO_ROOT, 'node_modules/iconv-lite/encodings');
  const copied: string[] = [];
  for (const dir of new Set(Object.keys(metafile.outputs).map((o) => dirname(join(REPO_ROOT, o))))) {
    for (const t of tables) {
      const target = join(dir, t);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(source, t), target);
      copied.push(relative(outputDir, target));
    }
  }
  return [...new Set(copied)].sort();
}

/**
 * Package aliases of every bundle (issue 26), each replacing what a dependency imports at the top of a module
 * but either never calls in our configuration or calls only on a rare path:
 * - `html-to-text` → a stub that throws: mailparser imports it, but shared/mail/parse.ts parses with
 *   `skipHtmlToText` and converts HTML-only mail itself through `await import('#html-to-text')` (package.json
 *   "imports"; the alias does not rewrite it), so the HTML-to-text stack (~245 KB) is a lazy chunk.
 * - `encoding-japanese` → a stub whose `convert` requires the real package on first use (copied into the
 *   asset's node_modules, below): libmime needs it only for ISO-2022-JP, JIS and EUC-JP parts (−88 KB at init).
 * - `libmime` → its CommonJS build: mailparser imports the ESM build and mailsplit requires the CommonJS one,
 *   which put libmime (and its 68 KB MIME-type table) into the bundle twice. Same version, same code.
 * - `pino` and `socks` → stubs that throw: imapflow imports them for its default logger and its `proxy` option;
 *   the IMAP poller passes `logger: false` and no proxy, so neither is ever called (−90 KB at init).
 * - `he` → a stub with he's own default `encode` (the only call mailparser makes with our options: each address
 *   header's HTML form), which requires the real package for any other call (−85 KB at init in the mail functions).
 */
export const BUNDLE_ALIASES: Record<string, string> = {
  'html-to-text': './shared/mail/bundle-stubs/html-to-text.ts',
  'encoding-japanese': './shared/mail/bundle-stubs/encoding-japanese.ts',
  libmime: './node_modules/libmime/dist/cjs/libmime.js',
  pino: './shared/mail/bundle-stubs/pino.ts',
  socks: './shared/mail/bundle-stubs/socks.ts',
  he: './shared/mail/bundle-stubs/he.ts',
};

/**
 * Packages (or package files) that a bundled module reads or `require`s at run time, copied into the asset's
 * node_modules when that module is bundled: the stubs above, and jieba's dictionary, which duplicate matching reads
 * on its first check (shared/text/dictionary-tokens.ts; 5 MB, about 2 MB zipped; the native module is not copied).
 */
const LAZY_PACKAGES: Record<string, string[]> = {
  'shared/mail/bundle-stubs/encoding-japanese.ts': ['node_modules/encoding-japanese/package.json', 'node_modules/encoding-japanese/src'],
  'shared/mail/bundle-stubs/he.ts': ['node_modules/he/package.json', 'node_modules/he/he.js', 'node_modules/he/LICENSE-MIT.txt'],
  'shared/text/dictionary-tokens.ts': ['node_modules/@node-rs/jieba/package.json', 'node_modules/@node-rs/jieba/dict.txt', 'node_modules/@node-rs/jieba/LICENSE'],
};

function copyLazyPackages(metafile: Metafile, outputDir: string): string[] {
  const copied: string[] = [];
  for (const [stub, paths] of Object.entries(LAZY_PACKAGES)) {
    if (!(stub in metafile.inputs)) continue;
    for (const p of paths) {
      mkdirSync(dirname(join(outputDir, p)), { recursive: true });
      cpSync(join(REPO_ROOT, p), join(outputDir, p), { recursive: true });
      copied.push(p);
    }
  }
  return copied;
}

/** Bundles `entry` (relative to the repository root) as function `name` into the asset directory `outputDir`. */
export function bundleFunction(entry: string, name: string, outputDir: string): BundleResult {
  const outdir = join(outputDir, 'functions', name);
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: { index: join(REPO_ROOT, entry) },
    bundle: true,
    // Code splitting: the `await import()`s of the AWS SDK (credential providers and their nested SSO/STS
    // clients, event streams) and of our own lazy paths (e.g. the mail sender) become chunks that a cold start
    // does not load. Needs ESM and an output directory.
    splitting: true,
    format: 'esm',
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
    external: [LAZY_TABLES],
    alias: BUNDLE_ALIASES,
  });
  for (const p of RUNTIME_DATA) {
    mkdirSync(dirname(join(outputDir, p)), { recursive: true });
    cpSync(join(REPO_ROOT, p), join(outputDir, p), { recursive: true });
  }
  return {
    metafile: result.metafile,
    eager: eagerOutputs(result.metafile, join(outdir, 'index.mjs')),
    lazyData: [...copyLazyTables(result.metafile, outputDir), ...copyLazyPackages(result.metafile, outputDir)],
  };
}

/** The entry and every output it imports statically, transitively (absolute paths). */
export function eagerOutputs(metafile: Metafile, entryFile: string): string[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([k, v]) => [join(REPO_ROOT, k), v]));
  const seen = new Set<string>();
  const stack = [entryFile];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of outputs.get(file)?.imports ?? []) if (i.kind === 'import-statement' && !i.external) stack.push(join(REPO_ROOT, i.path));
  }
  return [...seen].filter((f) => outputs.has(f));
}
