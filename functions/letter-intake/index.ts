/** Lambda: S3 ObjectCreated on `letters/**\/*.letter.json` → one case per letter. */
import type { S3Event } from 'aws-lambda';
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { s3Client } from '../../shared/composition/aws-s3';
import { intakeComposition } from '../../shared/composition/aws-intake';
import type { IntakeDeps } from '../../shared/intake/core';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';
import { handleLetterUploads } from './service';
import type { BatchOutcome } from './service';

const telemetry = lambdaTelemetry('letter-intake');
const reader = new S3ObjectReader(s3Client());
let deps: IntakeDeps | undefined;

export const handler = lambdaHandler(telemetry, async (event: S3Event): Promise<BatchOutcome> => {
  deps ??= intakeComposition(process.env, telemetry.ports).intakeDeps();
  return handleLetterUploads(deps, reader, event);
});
