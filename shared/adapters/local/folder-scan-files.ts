/** The scans of a batch in a local folder (the embedded runtime's watched folder, the CLI's scan directory). */
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { ScanFileSource } from '../../ports/scan-files';

export function folderScanFiles(dir: string): ScanFileSource {
  const root = resolve(dir);
  return {
    read: async (name) => {
      const path = resolve(root, name);
      // The resolver refuses such names first; this keeps the adapter safe on its own.
      if (!path.startsWith(root + sep)) return undefined;
      try {
        return new Uint8Array(await readFile(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
        throw err;
      }
    },
  };
}
