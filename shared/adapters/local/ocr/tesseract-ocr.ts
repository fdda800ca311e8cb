/**
 * OcrEngine on Debian's tesseract with chi_sim (`apt-get install -y tesseract-ocr tesseract-ocr-chi-sim`), run
 * as a child process. Measured against PaddleOCR in bench/ocr.bench.ts and kept as the second candidate; the
 * runtime uses PaddleOCR (docs/BENCHMARKS.md, OCR). A missing binary or language pack is an OcrUnavailableError.
 */
import { execFile } from 'node:child_process';
import type { OcrEngine, OcrLine, OcrPage } from '../../../ports/ocr';
import { OcrUnavailableError } from '../../../ports/ocr';
import { normaliseLine, pageOf } from './paddle-ocr';

export const TESSERACT_ENGINE_NAME = 'tesseract-chi_sim';

function run(bin: string, args: string[], input: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve(stdout);
    });
    child.stdin?.end(Buffer.from(input));
  });
}

/** Tesseract spaces out CJK characters; the spaces between two CJK characters are not in the text. */
export function joinCjk(line: string): string {
  return line.replace(/(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef0-9])|(?<=[0-9])\s+(?=[\u3000-\u9fff\uff00-\uffef])/g, '');
}

export class TesseractOcrEngine implements OcrEngine {
  readonly name = TESSERACT_ENGINE_NAME;
  constructor(private readonly bin = 'tesseract') {}

  async read(image: Uint8Array): Promise<OcrPage> {
    let tsv: string;
    try {
      // psm 1: automatic page segmentation with orientation and script detection (OSD), i.e. deskew and turn.
      tsv = await run(this.bin, ['stdin', 'stdout', '-l', 'chi_sim', '--psm', '1', 'tsv'], image);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      throw new OcrUnavailableError(
        e.code === 'ENOENT' ? `${this.bin} not found: apt-get install -y tesseract-ocr tesseract-ocr-chi-sim` : `tesseract failed: ${(e.stderr ?? e.message).slice(0, 300)}`,
      );
    }
    // TSV rows: level page_num block_num par_num line_num word_num left top width height conf text
    const byLine = new Map<string, { words: string[]; confs: number[] }>();
    for (const row of tsv.split('\n').slice(1)) {
      const c = row.split('\t');
      if (c.length < 12 || c[0] !== '5') continue;
      const text = c.slice(11).join('\t');
      const conf = Number(c[10]);
      if (!text.trim() || conf < 0) continue;
      const key = `${c[2]}.${c[3]}.${c[4]}`;
      const l = byLine.get(key) ?? { words: [], confs: [] };
      l.words.push(text);
      l.confs.push(conf / 100);
      byLine.set(key, l);
    }
    const lines: OcrLine[] = [...byLine.values()].map((l) => ({ text: normaliseLine(joinCjk(l.words.join(' '))), confidence: l.confs.reduce((a, b) => a + b, 0) / l.confs.length }));
    return pageOf(lines, 0, this.name);
  }
}
