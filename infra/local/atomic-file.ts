/**
 * Whole-file writes that a crash cannot leave half done: the data goes to a temporary file beside the target,
 * which is then renamed over it (atomic on one file system). `durable` also flushes the data to disk before the
 * rename (fsync), for files that are the only copy of something accepted (raw mail, evidence). Files are 0600 unless
 * told otherwise: everything written here lives in the private data directory (infra/local/private-dir.ts).
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from './private-dir';

export async function writeFileAtomic(path: string, data: Uint8Array | string, opts: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? PRIVATE_FILE_MODE);
    try {
      await fh.writeFile(data);
      if (opts.durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
