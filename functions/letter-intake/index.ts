/** Lambda: S3 ObjectCreated on `letters/**\/*.letter.json` → one case per letter. */
import type { S3Event } from 'aws-lambda';
import { s3Client } from '../../shared/composition/aws-s3';
import { intakeComposition } from '../../shared/intake/aws-deps';
import type { IntakeDeps } from '../../shared/intake/core';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';
import { handleLetterUploads } from './service';
import type { BatchOutcome } from './service';

const reader = new S3ObjectReader(s3Client());
let deps: IntakeDeps | undefined;

export const handler = async (event: S3Event): Promise<BatchOutcome> => {
  deps ??= intakeComposition(process.env).intakeDeps();
  return handleLetterUploads(deps, reader, event);
};
