/**
 * Each Lambda bundle's size and its module initialisation time, measured on what CDK deploys: the jurisdiction
 * stack is synthesized (as `npx cdk synth -c jurisdiction=510903` does, without cdk-nag) into a temporary cloud
 * assembly, so every function is bundled by TousuFunction's local bundling (infra/constructs/bundle-function.ts:
 * ESM with code splitting, minified, the AWS SDK bundled, linked source maps, the createRequire banner). Then,
 * for every AWS::Lambda::Function whose handler is `functions/<name>/index.handler`:
 *
 * - size: the code a cold start loads, i.e. the code file `functions/<name>/index.mjs` of its asset AND every
 *   chunk it imports statically, transitively (this sum is what the 500 KB target is held against; the code
 *   file alone is listed too, and all JavaScript of the asset, lazy chunks included). Source maps are reported
 *   apart (Lambda reads them only because NODE_OPTIONS=--enable-source-maps, which the function sets and the
 *   bench keeps);
 * - init: `await import()` of that file in a fresh node process, run in the asset directory with the function's
 *   own environment from the template (CloudFormation references replaced by plausible values, region and dummy
 *   credentials added), median and minimum of RUNS: the work of a cold start before the handler runs (Node's own
 *   start not included), and the median CPU time of the process during that import (user + system; on a loaded
 *   machine the wall time mostly measures waiting for a core). No AWS call is made at import.
 *
 * Functions deployed only in IMAP mode (imap-poller) are taken from a second stack, synthesized for an IMAP/SMTP
 * deployment (the configuration of test/infra/stack-imap.test.ts, jurisdiction 510921 in cn-north-1).
 * The import must yield a `handler` function, else the run counts as failed.
 *
 * Targets (issues 11, 26): ≤ 500 KB and ≤ 150 ms. BUNDLE_RUNS overrides the number of runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadDeployment, stackNameFor } from '../infra/config';
import { JurisdictionStack } from '../infra/stacks/jurisdiction-stack';

const RUNS = Number(process.env.BUNDLE_RUNS ?? 9);
const SIZE_TARGET = 500 * 1024;
const INIT_TARGET_MS = 150;
const JURISDICTION = process.env.BENCH_JURISDICTION ?? '510903';
/** A deployment in IMAP mode, for the functions only it deploys (as test/infra/stack-imap.test.ts). */
const IMAP_JURISDICTION = '510921';
const IMAP_DEPLOYMENT = {
  region: 'cn-north-1',
  intake: { mode: 'imap', host: 'imap.example.gov.cn', user: 'tousu@example.gov.cn', secretName: 'tousu/510921/imap', everyMinutes: 5 },
  sending: { mode: 'smtp', host: 'smtp.example.gov.cn', port: 465, secretName: 'tousu/510921/smtp' },
  archive: { retentionYears: 10, lockMode: 'COMPLIANCE' },
  alarmEmail: 'ops@example.gov.cn',
};

/** Values for environment variables that are CloudFormation references in the template (never called). */
const PLACEHOLDERS: Record<string, string> = {
  TABLE_NAME: 'tousu',
  STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle',
  START_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/123456789012/start',
  EVIDENCE_BUCKET: 'evidence',
  ARCHIVE_BUCKET: 'archive',
  ARCHIVE_KMS_KEY_ID: 'arn:aws:kms:ap-east-1:123456789012:key/bench',
  EVIDENCE_KMS_KEY_ID: 'arn:aws:kms:ap-east-1:123456789012:key/bench',
  MAIL_BUCKET: 'mail',
  REPORT_BUCKET: 'reports',
  COGNITO_USER_POOL_ID: 'ap-east-1_bench',
  COGNITO_CLIENT_ID: 'bench',
  IMAP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:imap',
  SMTP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:smtp',
};
const RUNTIME_ENV = { AWS_REGION: 'ap-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', NODE_NO_WARNINGS: '1' };

interface LambdaResource {
  Type: string;
  Properties?: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: Record<string, unknown>;
}

/** Static `import … from "./x.mjs"` of minified esbuild output (dynamic `import("./x.mjs")` has a parenthesis). */
const STATIC_IMPORT = /import\s*(?:[^();"']*?from\s*)?["'](\.{1,2}\/[^"']+\.mjs)["']/g;

/** The code file and every .mjs it imports statically, transitively: what `import()` of it loads. */
function eagerFiles(code: string): string[] {
  const seen = new Set<string>();
  const stack = [code];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) stack.push(join(dirname(file), m[1]!));
  }
  return [...seen];
}

/** Sizes of the files under `dir` whose name ends with `suffix`. */
function sizeOf(dir: string, suffix: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The function's environment as Lambda would see it: literal values as they are, references as placeholders. */
function environmentOf(variables: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables)) env[k] = typeof v === 'string' ? v : (PLACEHOLDERS[k] ?? `bench-${k.toLowerCase()}`);
  return env;
}

function synthesize(outdir: string, code: string, deployDir?: string): Record<string, LambdaResource> {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const deployment = loadDeployment(code, deployDir ? { deployDir } : {});
  const stack = new JurisdictionStack(app, stackNameFor(code), { deployment });
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')) as { Resources: Record<string, LambdaResource> };
  return template.Resources;
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'tousu-bundles-'));
  const results: Record<string, number | string> = {};
  const rows: string[] = [];
  let worstSize = 0;
  let worstInit = 0;
  let total = 0;
  let overSize = 0;
  let overInit = 0;
  try {
    const loadBefore = loadavg()[0]!;
    const started = Date.now();
    const functionsOf = (resources: Record<string, LambdaResource>, dir: string, label = '') =>
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function' && /^functions\/[a-z0-9-]+\/index\.handler$/.test(r.Properties?.Handler ?? ''))
        .map((r) => ({
          name: r.Properties!.Handler!.split('/')[1]!,
          label,
          asset: join(dir, String(r.Metadata?.['aws:asset:path'])),
          env: environmentOf(r.Properties?.Environment?.Variables ?? {}),
        }));
    const functions = functionsOf(synthesize(outdir, JURISDICTION), outdir);
    const imapOut = join(outdir, 'imap');
    const deployDir = join(outdir, 'deploy');
    mkdirSync(deployDir, { recursive: true });
    writeFileSync(join(deployDir, `${IMAP_JURISDICTION}.json`), JSON.stringify(IMAP_DEPLOYMENT));
    for (const fn of functionsOf(synthesize(imapOut, IMAP_JURISDICTION, deployDir), imapOut, ' (IMAP mode only)')) {
      if (!functions.some((f) => f.name === fn.name)) functions.push(fn);
    }
    functions.sort((a, b) => a.name.localeCompare(b.name));
    const synthSeconds = (Date.now() - started) / 1000;
    for (const fn of functions) {
      const code = join(fn.asset, 'functions', fn.name, 'index.mjs');
      if (!existsSync(code)) {
        rows.push(`| ${fn.name}${fn.label} | no ${relative(outdir, code)} in its asset | | | | | | | |`);
        continue;
      }
      total += 1;
      const codeSize = statSync(code).size;
      const eager = eagerFiles(code);
      const size = eager.reduce((sum, f) => sum + statSync(f).size, 0);
      const fnDir = dirname(code);
      const allJs = sizeOf(fnDir, '.mjs');
      const mapSize = sizeOf(fnDir, '.mjs.map');
      const times: number[] = [];
      const cpuTimes: number[] = [];
      let error = '';
      for (let i = 0; i < RUNS; i++) {
        const script = `const c=process.cpuUsage();const t=performance.now();const m=await import('./functions/${fn.name}/index.mjs');const d=performance.now()-t;const u=process.cpuUsage(c);if(typeof m.handler!=='function')throw new Error('no handler export');process.stdout.write(JSON.stringify([d,(u.user+u.system)/1000]));`;
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: fn.asset,
          env: { PATH: process.env.PATH ?? '', ...RUNTIME_ENV, ...fn.env },
          encoding: 'utf8',
          timeout: 30_000,
        });
        if (r.status !== 0) {
          error =
            (r.stderr || r.stdout)
              .split('\n')
              .find((l) => /Error|error/.test(l))
              ?.slice(0, 160) ?? `exit ${r.status}`;
          break;
        }
        const [wall, cpu] = JSON.parse(r.stdout.trim()) as [number, number];
        times.push(wall);
        cpuTimes.push(cpu);
      }
      const init = times.length === RUNS ? median(times) : NaN;
      const initCpu = cpuTimes.length === RUNS ? median(cpuTimes) : NaN;
      const fastest = times.length ? Math.min(...times) : NaN;
      worstSize = Math.max(worstSize, size);
      if (!Number.isNaN(init)) worstInit = Math.max(worstInit, init);
      if (size > SIZE_TARGET) overSize += 1;
      if (!(init <= INIT_TARGET_MS)) overInit += 1;
      const kb = size / 1024;
      rows.push(
        `| ${fn.name}${fn.label} | ${kb.toFixed(0)}${size > SIZE_TARGET ? ' ✗' : ''} | ${(codeSize / 1024).toFixed(0)} | ${eager.length} | ${(allJs / 1024).toFixed(0)} | ${(mapSize / 1024).toFixed(0)} | ${
          Number.isNaN(init) ? `import failed: ${error}` : `${init.toFixed(0)}${init > INIT_TARGET_MS ? ' ✗' : ''} | ${fastest.toFixed(0)} | ${initCpu.toFixed(0)}`
        } |`,
      );
      results[`${fn.name}: KB loaded at init, init ms (median), init CPU ms (median)`] = `${kb.toFixed(0)}, ${Number.isNaN(init) ? 'failed' : `${init.toFixed(0)}, ${initCpu.toFixed(0)}`}`;
    }
    results['functions measured'] = total;
    results['largest code loaded at init (KB, target ≤ 500)'] = Number((worstSize / 1024).toFixed(0));
    results['slowest init, median (ms, target ≤ 150)'] = Number(worstInit.toFixed(0));
    results['over 500 KB / over 150 ms'] = `${overSize} / ${overInit} of ${total}`;
    results['synths with bundling, two stacks (s)'] = Number(synthSeconds.toFixed(1));
    results['load average 1 min, start → end'] = `${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return {
    name: 'Lambda bundles: size and module initialisation',
    results,
    notes: [
      `| function | KB loaded at init (index.mjs + static chunks) | index.mjs KB | files loaded at init | all .mjs KB (lazy chunks included) | .map KB | init ms, median of ${RUNS} | init ms, fastest | init CPU ms, median |`,
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Measured on the assets of a synthesized stack (jurisdiction ${JURISDICTION}; functions deployed only in IMAP mode from a stack for ${IMAP_JURISDICTION} in IMAP/SMTP mode): the files CDK uploads. KB = 1,024 bytes; "loaded at init" = the code file and the chunks it imports statically (followed in the files), the figure held against the 500 KB target; lazy chunks (\`await import()\`) load only on the path that needs them. Init = \`await import()\` of the code file in a fresh node ${process.version} process in the asset directory, with the function's environment from the template (NODE_OPTIONS=--enable-source-maps included); init CPU = the process's user + system CPU time during that import (\`process.cpuUsage\`), which another process's load changes less than the wall time. Lambda runs nodejs22.x on arm64: the figures are indicative, and timing figures depend on the load of the machine (the fastest run is the least disturbed).`,
    ].join('\n'),
  };
}
