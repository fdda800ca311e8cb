/** BlobStore on a local folder (embedded runtime): atomic writes (temp file + rename), no path traversal. */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';
import { dirname, resolve, sep } from 'node:path';
import { ValidationError } from '../../shared/domain/errors';
import type { BlobStore, StoredBlob } from '../../shared/ports';
import { checkBlobKey } from '../../shared/adapters/blob-key';

export class FolderBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Absolute path of a key, refusing anything that would land outside the root. */
  private pathOf(key: string): string {
    const path = resolve(this.root, checkBlobKey(key));
    if (!path.startsWith(this.root + sep)) throw new ValidationError([{ field: 'key', message: '文件存储路径无效。', code: 'invalid_blob_key' }]);
    return path;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<StoredBlob> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFileAtomic(path, body, { durable: true });
    return { ref: `file:${key}`, sha256: createHash('sha256').update(body).digest('hex'), size: body.byteLength, contentType };
  }

  async get(ref: string): Promise<Uint8Array | undefined> {
    if (!ref.startsWith('file:')) throw new ValidationError([{ field: 'ref', message: '文件引用无效或不属于本存储。', code: 'invalid_blob_ref' }]);
    try {
      return new Uint8Array(await readFile(this.pathOf(ref.slice('file:'.length))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
