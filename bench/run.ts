/**
 * Benchmark runner (`npm run bench`): runs every bench/*.bench.ts (or those named on the command line),
 * prints the results and records them in docs/BENCHMARKS.md between per-benchmark markers, with the machine
 * and the date. Timing targets live here, never in the test suite.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchResult {
  name: string;
  results: Record<string, number | string>;
  notes?: string;
}

const benchDir = path.resolve('bench');
const docPath = path.resolve('docs/BENCHMARKS.md');

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function render(file: string, r: BenchResult): string {
  const rows = Object.entries(r.results)
    .map(([k, v]) => `| ${k} | ${typeof v === 'number' ? Number(v.toFixed(3)) : v} |`)
    .join('\n');
  return [
    `<!-- bench:${file}:start -->`,
    `### ${r.name}`,
    '',
    `Command: \`npm run bench -- ${file}\` · ${new Date().toISOString().slice(0, 10)} · ${machine()}`,
    '',
    '| measure | value |',
    '|---|---|',
    rows,
    r.notes ? `\n${r.notes}` : '',
    `<!-- bench:${file}:end -->`,
  ].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const chosen = wanted.length ? files.filter((f) => wanted.some((w) => f.includes(w))) : files;
  if (chosen.length === 0) {
    console.error(`no benchmark matches ${wanted.join(' ')}; available: ${files.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const file of chosen) {
    console.log(`== ${file}`);
    const mod = (await import(pathToFileURL(path.join(benchDir, file)).href)) as { run?: () => Promise<BenchResult> };
    if (typeof mod.run !== 'function') {
      console.error(`${file} exports no run()`);
      process.exitCode = 1;
      continue;
    }
    const result = await mod.run();
    console.table(result.results);
    // BENCH_NO_WRITE=1: print only (trying a change); the documented figures are written by a plain run.
    if (process.env.BENCH_NO_WRITE) continue;
    const section = render(file, result);
    // Re-read just before writing: a long benchmark must not overwrite edits made while it ran.
    let doc = await readFile(docPath, 'utf8').catch(() => '# Benchmarks\n\nWritten by `npm run bench`; each section names the command that produced it.\n');
    const re = new RegExp(`<!-- bench:${file.replace(/\./g, '\\.')}:start -->[\\s\\S]*?<!-- bench:${file.replace(/\./g, '\\.')}:end -->`);
    doc = re.test(doc) ? doc.replace(re, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
    await writeFile(docPath, doc);
    console.log(`results written to ${path.relative(process.cwd(), docPath)}`);
  }
}

await main();
