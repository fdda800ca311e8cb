/** Lambda: S3 ObjectCreated on `boxes/**\/*.csv` → one case per slip. */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { intakeDepsFromEnv } from '../../shared/intake/aws-deps';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';
import { handleBoxUploads } from './service';

const reader = new S3ObjectReader(new S3Client({}));
let deps: ReturnType<typeof intakeDepsFromEnv> | undefined;

export const handler = async (event: S3Event) => {
  deps ??= intakeDepsFromEnv(process.env);
  return handleBoxUploads(deps, reader, event);
};
