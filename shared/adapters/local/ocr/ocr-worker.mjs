// The OCR engine's thread (worker-ocr.ts): PaddleOCR's page preparation and decoding are JavaScript, seconds of
// work per page, which on the runtime's main thread would stall HTTP and SMTP while a batch is read. Loads the
// TypeScript adapter through tsx, as bin/tousu.js does for the CLI.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { PaddleOcrEngine } = await import('./paddle-ocr.ts');
const engine = new PaddleOcrEngine(workerData ?? {});

parentPort.on('message', async ({ id, image }) => {
  try {
    parentPort.postMessage({ id, page: await engine.read(image) });
  } catch (err) {
    parentPort.postMessage({ id, error: { name: err?.name ?? 'Error', message: String(err?.message ?? err), detail: typeof err?.detail === 'string' ? err.detail : undefined } });
  }
});
