import { createHash } from 'node:crypto';
import type { BlobStore, StoredBlob } from '../../../shared/ports';

/** A BlobStore held in memory, for service tests (the folder and S3 adapters are tested by their owners). */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, { body: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array, contentType: string): Promise<StoredBlob> {
    this.blobs.set(key, { body: new Uint8Array(body), contentType });
    return { ref: `mem:${key}`, sha256: createHash('sha256').update(body).digest('hex'), size: body.byteLength, contentType };
  }

  async get(ref: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(ref.replace(/^mem:/, ''))?.body;
  }
}
