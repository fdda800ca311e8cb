/** The art. 18 archive store of the archive-case function (S3 with Object Lock), from the life-cycle environment. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store';
import type { BlobStore } from '../../shared/ports';
import type { LifecycleFunctionEnv } from './env';

export function archiveBlobsFromEnv(env: LifecycleFunctionEnv): BlobStore | undefined {
  return env.ARCHIVE_BUCKET
    ? new S3BlobStore({ s3: new S3Client({}), bucket: env.ARCHIVE_BUCKET, ...(env.ARCHIVE_KMS_KEY_ID ? { kmsKeyId: env.ARCHIVE_KMS_KEY_ID } : {}) })
    : undefined;
}
