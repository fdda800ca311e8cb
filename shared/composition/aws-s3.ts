/**
 * The S3 parts of the AWS composition (./aws.ts) that build the S3 client at cold start: a module apart from
 * ./aws-parts.ts so that a function which only stores evidence lazily (the work-order intake, the API) does not
 * carry the S3 client at init (~130 KB bundled; docs/BENCHMARKS.md, "Lambda bundles").
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../adapters/aws/s3-blob-store';
import type { BlobStore } from '../ports';
import type { AwsPartContext } from './aws';

let s3: S3Client | undefined;
/** One S3 client per container, shared by the evidence store, the archive store and the object reader. */
export const s3Client = (): S3Client => (s3 ??= new S3Client({}));

/** The art. 18 archive bucket (S3 Object Lock, `ARCHIVE_BUCKET`): archive-case only. */
export function s3Archive({ env }: Pick<AwsPartContext, 'env'>): BlobStore | undefined {
  return env.ARCHIVE_BUCKET ? new S3BlobStore({ s3: s3Client(), bucket: env.ARCHIVE_BUCKET, ...(env.ARCHIVE_KMS_KEY_ID ? { kmsKeyId: env.ARCHIVE_KMS_KEY_ID } : {}) }) : undefined;
}
