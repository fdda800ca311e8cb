/** BlobStore on S3: evidence and archives. Integrity is checked by S3 itself (ChecksumSHA256), encryption at rest always. */
import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../../domain/errors';
import type { BlobStore, StoredBlob } from '../../ports';
import { checkBlobKey } from '../blob-key';

export interface S3BlobStoreOptions {
  s3: S3Client;
  bucket: string;
  /** SSE-KMS with this key; SSE-S3 (AES256) when omitted. */
  kmsKeyId?: string;
}

const REF = /^s3:\/\/([^/]+)\/(.+)$/;

export class S3BlobStore implements BlobStore {
  constructor(private readonly opts: S3BlobStoreOptions) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<StoredBlob> {
    checkBlobKey(key);
    const digest = createHash('sha256').update(body).digest();
    await this.opts.s3.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.byteLength,
        // Object Lock buckets (the archive) require an integrity header on PUT: name the algorithm explicitly.
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: digest.toString('base64'),
        ...(this.opts.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.opts.kmsKeyId } : { ServerSideEncryption: 'AES256' }),
      }),
    );
    return { ref: `s3://${this.opts.bucket}/${key}`, sha256: digest.toString('hex'), size: body.byteLength, contentType };
  }

  async get(ref: string): Promise<Uint8Array | undefined> {
    const m = REF.exec(ref);
    if (!m || m[1] !== this.opts.bucket) {
      throw new ValidationError([{ field: 'ref', message: '文件引用无效或不属于本存储。', code: 'invalid_blob_ref' }]);
    }
    const key = checkBlobKey(m[2]!);
    try {
      const out = await this.opts.s3.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof Error && err.name === 'NoSuchKey')) return undefined;
      throw err;
    }
  }
}

/**
 * An S3BlobStore with its own client (region and credentials from the environment). Named imports only, so that
 * a lazy `import()` of this module (./lazy-s3-blob-store.ts) keeps the S3 client's tree shaking.
 */
export function createS3BlobStore(opts: Omit<S3BlobStoreOptions, 's3'>): S3BlobStore {
  return new S3BlobStore({ ...opts, s3: new S3Client({}) });
}
