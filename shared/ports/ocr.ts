/**
 * OCR of scanned letters (issue 24): an engine reads one page image and returns its lines with a confidence
 * each. Adapters: shared/adapters/local/paddle-ocr.ts (PaddleOCR models on onnxruntime-node, from npm
 * packages only). Nothing here knows which engine runs.
 */
import { TousuError } from '../domain/errors';

export interface OcrLine {
  text: string;
  /** 0..1, the engine's mean character confidence for the line. */
  confidence: number;
  /** Corners of the line's box on the (possibly rotated) page, clockwise from top-left. */
  box?: [number, number][];
}

export interface OcrPage {
  lines: OcrLine[];
  /** The lines joined by newlines, top to bottom. */
  text: string;
  /** Mean line confidence (0 for a page without text). */
  confidence: number;
  /** Degrees the page was turned before it could be read (0, or 180 for a page fed upside down). */
  rotated: 0 | 180;
  engine: string;
}

export interface OcrEngine {
  readonly name: string;
  /** Reads one page (JPEG, PNG or WebP bytes). Throws OcrUnavailableError when the engine cannot run here. */
  read(image: Uint8Array): Promise<OcrPage>;
}

/** The OCR engine is not installed or cannot start on this platform: letters without keyed fields cannot be read. */
export class OcrUnavailableError extends TousuError {
  override readonly name = 'OcrUnavailableError';
  readonly code = 'ocr_unavailable';
  readonly status = 503;
  constructor(
    readonly detail: string,
    message = '文字识别（OCR）引擎不可用：无法自动识别扫描件，请在 manifest.csv 中录入来信内容，或联系管理员安装 OCR 组件。',
  ) {
    super(message);
  }
}
