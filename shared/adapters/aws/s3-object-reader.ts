/** Reads uploaded objects (scans, sidecars, CSV files) from S3. */
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectReader, StoredObject } from '../../ports/object-reader';

export class S3ObjectReader implements ObjectReader {
  constructor(private readonly s3: S3Client) {}

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) return undefined;
      return { bytes: await out.Body.transformToByteArray(), ...(out.ETag ? { etag: out.ETag } : {}) };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));
