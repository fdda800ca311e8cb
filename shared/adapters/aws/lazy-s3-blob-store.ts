/**
 * The S3 BlobStore of a function that touches S3 only on some invocations (issue 26, bundle size): the API
 * stores evidence only for a complaint with attachments and reads it only for a download. The S3 client and
 * ./s3-blob-store (with its checksum and XML middleware, ~190 KB bundled) are imported on the first put or get,
 * then kept for the container: one client, the same S3BlobStore as when built at cold start. Functions that read
 * or write S3 on every invocation (the box, letter, work-order and mail intakes, archive-case) build S3BlobStore
 * directly: loading it lazily would only move the same cost into their first invocation.
 */
import type { BlobStore, StoredBlob } from '../../ports';
import type { S3BlobStoreOptions } from './s3-blob-store';

export function lazyS3BlobStore(opts: Omit<S3BlobStoreOptions, 's3'>): BlobStore {
  let store: Promise<BlobStore> | undefined;
  const load = (): Promise<BlobStore> =>
    // Not `import('@aws-sdk/client-s3')`: a namespace loaded at run time keeps every command of the client.
    (store ??= import('./s3-blob-store').then(
      (m) => m.createS3BlobStore(opts),
      (err: unknown) => {
        store = undefined;
        throw err;
      },
    ));
  return {
    async put(key: string, body: Uint8Array, contentType: string): Promise<StoredBlob> {
      return (await load()).put(key, body, contentType);
    },
    async get(ref: string): Promise<Uint8Array | undefined> {
      return (await load()).get(ref);
    },
  };
}
