/**
 * OcrEngine that runs PaddleOCR (paddle-ocr.ts) on a worker thread of its own: the page preparation and the
 * recogniser's decoding are JavaScript that takes seconds per page, so on the runtime's main thread every page read
 * would stall the console, the form and SMTP intake. The worker starts on the first page and is ended by `close()`
 * (the runtime's stop); if it dies, the pages it was reading fail loudly and the next page starts a new one.
 */
import { Worker } from 'node:worker_threads';
import type { OcrEngine, OcrPage } from '../../../ports/ocr';
import { OcrUnavailableError } from '../../../ports/ocr';
import { PADDLE_ENGINE_NAME } from './paddle-ocr';
import type { PaddleOcrOptions } from './paddle-ocr';

interface Answer {
  id: number;
  page?: OcrPage;
  error?: { name: string; message: string; detail?: string };
}

export class WorkerOcrEngine implements OcrEngine {
  readonly name = PADDLE_ENGINE_NAME;
  private worker: Worker | undefined;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (p: OcrPage) => void; reject: (e: Error) => void }>();

  constructor(private readonly opts: PaddleOcrOptions = {}) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./ocr-worker.mjs', import.meta.url), { workerData: this.opts });
    w.on('message', (a: Answer) => {
      const p = this.waiting.get(a.id);
      if (!p) return;
      this.waiting.delete(a.id);
      if (this.waiting.size === 0) w.unref();
      if (a.page) p.resolve(a.page);
      else if (a.error?.name === 'OcrUnavailableError') p.reject(new OcrUnavailableError(a.error.detail ?? a.error.message));
      else p.reject(Object.assign(new Error(a.error?.message ?? 'OCR failed'), { name: a.error?.name ?? 'Error' }));
    });
    const fail = (err: Error) => {
      this.worker = undefined;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', (err) => fail(new OcrUnavailableError(`OCR worker failed: ${err.message}`)));
    w.on('exit', (code) => fail(new OcrUnavailableError(`OCR worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  read(image: Uint8Array): Promise<OcrPage> {
    const w = this.start();
    const id = ++this.seq;
    return new Promise<OcrPage>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Idle, the worker does not keep the process alive; a page being read does.
      w.ref();
      // A copy: the caller keeps its bytes (the scans are stored after the reading).
      w.postMessage({ id, image: new Uint8Array(image) });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
