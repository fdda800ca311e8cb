/**
 * Reads every scan of the labelled letter set with one OCR engine and keeps the readings (text, confidence,
 * turn, time) in `<set>/ocr-<engine>.json`, so the field metrics can be recomputed without reading again
 * (resumable; OCR_BENCH_REUSE=1 scores what is there). Used by bench/ocr.bench.ts; standalone: `npx tsx bench/ocr/collect.ts paddle|tesseract [SET_DIR]`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { OcrEngine } from '../../shared/ports/ocr';
import { PaddleOcrEngine } from '../../shared/adapters/local/ocr/paddle-ocr';
import { TesseractOcrEngine } from '../../shared/adapters/local/ocr/tesseract-ocr';
import { makeLetterSet, renderLetterSet } from '../../test/fixtures/letters/labelled-set';
import type { LetterLabel } from '../../test/fixtures/letters/labelled-set';

export interface Reading {
  text: string;
  confidence: number;
  rotated: number;
  ms: number;
}
export interface Readings {
  engine: string;
  /** Time to load the engine (first page excluded from per-page times). */
  loadMs: number;
  pages: Record<string, { page: Reading; envelope: Reading }>;
}

export const SET_DIR = process.env.OCR_SET_DIR ?? '/tmp/tousu-ocr-set';

/** The set's labels, rendering the scans first when the folder has none (deterministic: seed 24). */
export async function ensureSet(dir = SET_DIR, n = Number(process.env.OCR_BENCH_N ?? 100)): Promise<LetterLabel[]> {
  const labels = makeLetterSet(24, n);
  const setFile = join(dir, 'set.json');
  const have = existsSync(setFile) ? (JSON.parse(await readFile(setFile, 'utf8')) as LetterLabel[]) : [];
  if (have.length < n || JSON.stringify(have.slice(0, n)) !== JSON.stringify(labels)) await renderLetterSet(labels, dir);
  return labels;
}

export function engineOf(kind: string): OcrEngine {
  if (kind === 'paddle') return new PaddleOcrEngine({ threads: Number(process.env.OCR_THREADS ?? 1) });
  if (kind === 'tesseract') return new TesseractOcrEngine();
  throw new Error(`unknown engine ${kind} (paddle | tesseract)`);
}

export async function collect(kind: string, dir = SET_DIR, labels?: LetterLabel[]): Promise<Readings> {
  const set = labels ?? (await ensureSet(dir));
  const cache = join(dir, `ocr-${kind}.json`);
  // Readings already made are kept (a long run can be stopped and resumed); OCR_BENCH_FRESH=1 reads all again.
  const cached = !process.env.OCR_BENCH_FRESH && existsSync(cache) ? (JSON.parse(await readFile(cache, 'utf8')) as Readings) : undefined;
  if (cached && (process.env.OCR_BENCH_REUSE || set.every((l) => cached.pages[l.id]))) return cached;
  const engine = engineOf(kind);
  const t0 = performance.now();
  if (engine instanceof PaddleOcrEngine) await engine.ready();
  const out: Readings = { engine: engine.name, loadMs: cached?.loadMs ?? performance.now() - t0, pages: cached?.pages ?? {} };
  const one = async (file: string): Promise<Reading> => {
    const bytes = await readFile(join(dir, file));
    const t = performance.now();
    const p = await engine.read(bytes);
    return { text: p.text, confidence: p.confidence, rotated: p.rotated, ms: performance.now() - t };
  };
  for (const l of set) {
    if (out.pages[l.id]) continue;
    out.pages[l.id] = { page: await one(l.files.page), envelope: await one(l.files.envelope) };
    if (process.env.OCR_BENCH_VERBOSE) console.log(kind, l.id, Math.round(out.pages[l.id]!.page.ms), 'ms');
    await writeFile(cache, JSON.stringify(out) + '\n');
  }
  return out;
}

if (process.argv[1] && /collect\.ts$/.test(process.argv[1])) {
  const [kind = 'paddle', dir = SET_DIR] = process.argv.slice(2);
  void collect(kind, dir).then((r) => console.log(`${kind}: ${Object.keys(r.pages).length} letters read; maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`));
}
