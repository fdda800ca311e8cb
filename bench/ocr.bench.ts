/**
 * OCR of scanned letters (issue 24): the candidates read the labelled set (test/fixtures/letters/labelled-set.ts,
 * 100 letters = 100 letter pages + 100 envelopes, seed 24) and are compared on
 *   - character accuracy: 1 − edit distance / length of the true text, whitespace ignored, per page, averaged
 *     over the printed pages and over the handwriting-like (Kai) pages;
 *   - fields: the share of letters whose proposed phone (and name, address, unit, postmark date) equals the label
 *     exactly, through the runtime's own proposal code (shared/domain/extraction/letter-fields.ts), and the share
 *     of fields left to the clerk;
 *   - pages per second and ms per page (one thread), peak memory, installed size.
 * The scans are rendered into OCR_SET_DIR (default /tmp/tousu-ocr-set) when missing; readings are cached there
 * (a stopped run resumes where it stopped; OCR_BENCH_REUSE=1 scores what was read so far without reading more; OCR_BENCH_FRESH=1 reads all again). OCR_BENCH_N reads fewer letters;
 * OCR_ENGINES=paddle,tesseract picks the engines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { loadJurisdiction } from '../shared/config/load';
import { LETTER_FIELDS, proposeLetterFields } from '../shared/domain/extraction/letter-fields';
import type { LetterLabel } from '../test/fixtures/letters/labelled-set';
import { collect, ensureSet, SET_DIR } from './ocr/collect';
import type { Readings } from './ocr/collect';

const squash = (s: string): string => s.replace(/\s+/g, '');

export function charAccuracy(truth: string, read: string): number {
  const t = squash(truth);
  return Math.max(0, 1 - distance(t, squash(read)) / t.length);
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Lines with the page confidence for each (the cache keeps the page text and its mean confidence). */
const linesOf = (text: string, confidence: number): { text: string; confidence: number }[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((t) => ({ text: t, confidence }));

export function score(labels: LetterLabel[], r: Readings): Record<string, number | string> {
  const departments = loadJurisdiction('510900').departments;
  const printed = labels.filter((l) => l.style === 'printed');
  const kai = labels.filter((l) => l.style === 'handwriting');
  const acc = (ls: LetterLabel[]): number => mean(ls.map((l) => charAccuracy(l.text, r.pages[l.id]!.page.text)));
  const exact: Record<string, number> = {};
  let left = 0;
  let wrong = 0;
  let total = 0;
  for (const l of labels) {
    const p = proposeLetterFields({
      pageLines: linesOf(r.pages[l.id]!.page.text, r.pages[l.id]!.page.confidence),
      envelopeLines: linesOf(r.pages[l.id]!.envelope.text, r.pages[l.id]!.envelope.confidence),
      departments,
      today: '2026-12-04',
    });
    for (const f of LETTER_FIELDS) {
      const want = l.fields[f];
      if (want === undefined) continue;
      total++;
      const got = p.fields[f].value;
      if (got === want) exact[f] = (exact[f] ?? 0) + 1;
      else if (got === undefined) left++;
      else wrong++;
    }
  }
  const perLetter = (f: string): string => pct((exact[f] ?? 0) / labels.filter((l) => l.fields[f as keyof LetterLabel['fields']] !== undefined).length);
  const pageMs = labels.map((l) => r.pages[l.id]!.page.ms);
  const envMs = labels.map((l) => r.pages[l.id]!.envelope.ms);
  return {
    'letters read': labels.length,
    'character accuracy, printed pages': pct(acc(printed)),
    'character accuracy, handwriting-like (Kai) pages': pct(acc(kai)),
    'phone exact (letters)': perLetter('phone'),
    'name exact': perLetter('name'),
    'address exact': perLetter('address'),
    'respondent unit exact': perLetter('respondentUnit'),
    'matter exact': perLetter('matter'),
    'postmark date exact (envelope)': perLetter('envelopeDate'),
    'fields left to the clerk': pct(left / total),
    'fields proposed wrong': pct(wrong / total),
    'upside-down pages read upright': `${labels.filter((l) => l.upsideDown && r.pages[l.id]!.page.rotated === 180).length}/${labels.filter((l) => l.upsideDown).length}`,
    'ms per letter page (mean, 1 thread)': Math.round(mean(pageMs)),
    'ms per envelope (mean)': Math.round(mean(envMs)),
    'letter pages per second': Number((1000 / mean(pageMs)).toFixed(3)),
    'engine load ms': Math.round(r.loadMs),
  };
}

function du(path: string): string {
  try {
    return execFileSync('du', ['-shL', path], { encoding: 'utf8' }).split('\t')[0]!;
  } catch {
    return 'n/a';
  }
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes: string }> {
  const labels = await ensureSet(SET_DIR);
  const engines = (process.env.OCR_ENGINES ?? 'paddle,tesseract').split(',');
  const results: Record<string, number | string> = {};
  const notes: string[] = [];
  for (const kind of engines) {
    if (kind === 'tesseract' && !existsSync('/usr/bin/tesseract')) {
      notes.push('tesseract is not installed here (apt-get install -y tesseract-ocr tesseract-ocr-chi-sim): not measured.');
      continue;
    }
    const rssBefore = process.resourceUsage().maxRSS;
    const readings = await collect(kind, SET_DIR, labels);
    const s = score(
      labels.filter((l) => readings.pages[l.id]),
      readings,
    );
    for (const [k, v] of Object.entries(s)) results[`${kind}: ${k}`] = v;
    if (kind === 'paddle') {
      results['paddle: peak RSS of the reading process'] = `${Math.round(Math.max(rssBefore, process.resourceUsage().maxRSS) / 1024)} MiB`;
      results['paddle: installed size (linux-x64 onnxruntime + models + sharp)'] =
        `${du('node_modules/onnxruntime-node/bin/napi-v6/linux/x64')} + ${du('node_modules/@gutenye')} + ${du('node_modules/@img')}`;
    } else {
      const one = join(SET_DIR, labels[0]!.files.page);
      const t = spawnSync('/usr/bin/time', ['-f', '%M', 'tesseract', one, '-', '-l', 'chi_sim', '--psm', '1'], { encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
      const m = (t.stderr ?? '').match(/(\d+)\s*$/);
      results['tesseract: peak RSS per page'] = m ? `${Math.round(Number(m[1]) / 1024)} MiB` : 'n/a';
      results['tesseract: installed size (Debian packages)'] = '≈ 11 MB (tesseract-ocr, libtesseract5, liblept5, chi_sim fast model 2.4 MB)';
    }
  }
  notes.push('Chosen engine: PaddleOCR (@gutenye/ocr-node) — see docs/ocr.md for the comparison and the Lambda packaging.');
  return { name: 'OCR of scanned letters (issue 24)', results, notes: notes.join('\n') };
}

if (process.argv[1] && /ocr\.bench\.ts$/.test(process.argv[1])) {
  void run().then((r) => console.table(r.results));
}
