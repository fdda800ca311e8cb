/** Lambda: S3 ObjectCreated on `letters/**\/*.letter.json` → one case per letter. */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { intakeDepsFromEnv } from '../../shared/intake/aws-deps';
import { handleLetterUploads } from './service';
import type { BatchOutcome } from './service';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';

const reader = new S3ObjectReader(new S3Client({}));
let deps: ReturnType<typeof intakeDepsFromEnv> | undefined;

export const handler = async (event: S3Event): Promise<BatchOutcome> => {
  deps ??= intakeDepsFromEnv(process.env);
  return handleLetterUploads(deps, reader, event);
};
