/**
 * Where each Lambda bundle's init bytes come from (issue 26 item 5): every function is bundled as CDK deploys it
 * (bundleFunction, the local bundling of TousuFunction), and the esbuild metafile of the outputs a cold start loads
 * (the entry and the chunks it imports statically, transitively: the figure test/infra/bundle-size.test.ts holds
 * against 500 KB) is summed per input, then per package (`@smithy/core`, `zod`, …; our own code per top folder).
 *
 *   npx tsx bench/bundle-inputs.ts [function …] [--top N] [--files] [--lazy]
 *
 * --files lists single input files instead of packages; --lazy also prints what the lazy chunks hold. Prints
 * markdown tables; not a benchmark (no timing), so `npm run bench` does not run it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { REPO_ROOT } from '../infra/config';
import { bundleFunction } from '../infra/constructs/bundle-function';

const KB = 1024;

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; our files → their first two folders. */
export function groupOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = input.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : input;
}

export interface InputBytes {
  eager: Map<string, number>;
  lazy: Map<string, number>;
  eagerBytes: number;
  lazyBytes: number;
}

/** Bytes each input contributes to the eager outputs and to the lazy ones. */
export function inputBytes(metafile: Metafile, eagerFiles: string[], byFile: boolean): InputBytes {
  const eagerKeys = new Set(eagerFiles.map((f) => relative(REPO_ROOT, f)));
  const result: InputBytes = { eager: new Map(), lazy: new Map(), eagerBytes: 0, lazyBytes: 0 };
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (!output.endsWith('.mjs')) continue;
    const isEager = eagerKeys.has(output);
    const into = isEager ? result.eager : result.lazy;
    if (isEager) result.eagerBytes += meta.bytes;
    else result.lazyBytes += meta.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const key = byFile ? input : groupOf(input);
      into.set(key, (into.get(key) ?? 0) + bytesInOutput);
    }
  }
  return result;
}

function table(title: string, bytes: Map<string, number>, top: number): string {
  const rows = [...bytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`| ${title} | KB |`, '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${(v / KB).toFixed(1)} |`)].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
  const byFile = args.includes('--files');
  const showLazy = args.includes('--lazy');
  const names = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  const all = readdirSync(join(REPO_ROOT, 'functions')).filter((n) => existsSync(join(REPO_ROOT, 'functions', n, 'index.ts')));
  const outdir = mkdtempSync(join(tmpdir(), 'tousu-bundle-inputs-'));
  const summary: string[] = ['| function | KB at init (entry + static chunks; file bytes, as test/infra/bundle-size.test.ts) | bytes | KB in lazy chunks |', '|---|---|---|---|'];
  try {
    for (const name of names.length ? names : all) {
      const r = bundleFunction(`functions/${name}/index.ts`, name, join(outdir, name));
      const eager = r.eager.filter((f) => f.endsWith('.mjs'));
      const b = inputBytes(r.metafile, eager, byFile);
      const fileBytes = eager.reduce((sum, f) => sum + statSync(f).size, 0);
      summary.push(`| ${name} | ${Math.round(fileBytes / KB)}${fileBytes > 500 * KB ? ' ✗' : ''} | ${fileBytes} | ${(b.lazyBytes / KB).toFixed(0)} |`);
      console.log(`\n### ${name}: ${(b.eagerBytes / KB).toFixed(0)} KB at init\n`);
      console.log(table(byFile ? 'input file (at init)' : 'package or folder (at init)', b.eager, top));
      if (showLazy) console.log(`\n${table(byFile ? 'input file (lazy chunks)' : 'package or folder (lazy chunks)', b.lazy, top)}`);
    }
    console.log(`\n${summary.join('\n')}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /bundle-inputs\.ts$/.test(process.argv[1])) main();
