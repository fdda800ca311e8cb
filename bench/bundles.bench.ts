/**
 * Each Lambda bundle's size and its module initialisation time. Every functions/<name>/index.ts is bundled
 * with esbuild exactly as infra/constructs/tousu-function.ts configures NodejsFunction (ESM, node22, minified,
 * the AWS SDK bundled, the createRequire banner, external source map), laid out as in the asset
 * (functions/<name>/index.mjs beside config/ and chinese-days' data), then imported in a fresh node process
 * (median of 5): that is the work of a cold start before the handler runs (Node's own start not included).
 * Targets: ≤ 500 KB and ≤ 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER, RUNTIME_DATA } from '../infra/constructs/tousu-function';

const RUNS = 5;
const SIZE_TARGET = 500 * 1024;
const INIT_TARGET_MS = 150;

/** Plausible environment for every function's zod env schema (values are never used: no call is made). */
const ENV: Record<string, string> = {
  AWS_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'tousu',
  STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle',
  EVIDENCE_BUCKET: 'evidence',
  ARCHIVE_BUCKET: 'archive',
  MAIL_BUCKET: 'mail',
  REPORT_BUCKET: 'reports',
  JURISDICTION: '510903',
  MAIL_FROM: 'tousu@chuanshan.example.gov.cn',
  SES_CONFIGURATION_SET: 'tousu',
  USER_POOL_ID: 'ap-east-1_bench',
  USER_POOL_CLIENT_ID: 'bench',
  IMAP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:imap',
  POWERTOOLS_SERVICE_NAME: 'tousu',
  NODE_OPTIONS: '--enable-source-maps',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const functions = readdirSync('functions').filter((n) => existsSync(join('functions', n, 'index.ts')) && /^[a-z0-9-]+$/.test(n)).sort();
  const work = mkdtempSync(join(tmpdir(), 'tousu-bundles-'));
  for (const p of RUNTIME_DATA) {
    mkdirSync(dirname(join(work, p)), { recursive: true });
    cpSync(p, join(work, p), { recursive: true });
  }
  const results: Record<string, number | string> = {};
  const rows: string[] = [];
  let worstSize = 0;
  let worstInit = 0;
  try {
    for (const name of functions) {
      const outfile = join(work, 'functions', name, 'index.mjs');
      try {
        await build({
          entryPoints: [join('functions', name, 'index.ts')],
          outfile,
          bundle: true,
          format: 'esm',
          platform: 'node',
          target: 'node22',
          mainFields: ['module', 'main'],
          minify: true,
          sourcemap: 'external',
          sourcesContent: false,
          banner: { js: ESM_REQUIRE_BANNER },
          logLevel: 'silent',
        });
      } catch (err) {
        rows.push(`| ${name} | build failed: ${(err as Error).message.split('\n')[0]} | | |`);
        continue;
      }
      const size = statSync(outfile).size;
      const times: number[] = [];
      let error = '';
      for (let i = 0; i < RUNS; i++) {
        const script = `const t=performance.now();await import(${JSON.stringify(outfile)});process.stdout.write(String(performance.now()-t));`;
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...ENV, PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
        if (r.status !== 0) {
          error = (r.stderr || r.stdout).split('\n').find((l) => /Error|error/.test(l))?.slice(0, 160) ?? `exit ${r.status}`;
          break;
        }
        times.push(Number(r.stdout.trim()));
      }
      const init = times.length ? median(times) : NaN;
      worstSize = Math.max(worstSize, size);
      if (!Number.isNaN(init)) worstInit = Math.max(worstInit, init);
      const kb = size / 1024;
      rows.push(`| ${name} | ${kb.toFixed(0)}${size > SIZE_TARGET ? ' ✗' : ''} | ${Number.isNaN(init) ? `import failed: ${error}` : `${init.toFixed(0)}${init > INIT_TARGET_MS ? ' ✗' : ''}`} |`);
      results[`${name}: KB, init ms`] = `${kb.toFixed(0)}, ${Number.isNaN(init) ? 'failed' : init.toFixed(0)}`;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  results['largest bundle (KB, target ≤ 500)'] = Number((worstSize / 1024).toFixed(0));
  results['slowest init (ms, target ≤ 150)'] = Number(worstInit.toFixed(0));
  return {
    name: 'Lambda bundles: size and module initialisation',
    results,
    notes: [
      `| function | bundle KB (index.mjs, minified, without the .map) | module init ms (median of ${RUNS}, fresh node ${process.version}) |`,
      '|---|---|---|',
      ...rows,
      '',
      'Bundled with esbuild as TousuFunction configures NodejsFunction; Lambda runs nodejs22.x on arm64, this machine runs the Node above: the figures are indicative. Init = `await import()` of the bundle in a fresh process with the function environment set; no AWS call is made at import.',
    ].join('\n'),
  };
}
