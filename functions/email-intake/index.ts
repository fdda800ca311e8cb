/**
 * Lambda on the S3 objects SES receiving writes. Clients and the logger are created once per container from
 * the zod-checked environment; the intake core is wired here (the email service only sees `submit`).
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { S3Event } from 'aws-lambda';
import type * as z from 'zod';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';
import { s3Client } from '../../shared/composition/aws-s3';
import { createCase } from '../../shared/intake/core';
import { IntakeEnv, intakeComposition } from '../../shared/composition/aws-intake';
import { ingestEmail } from '../../shared/email-intake/service';
import { processSesMailEvent, type S3MailOutcome } from './service';

/** The intake ports' environment (shared/composition/aws-intake.ts): this function needs nothing more. */
export const EmailIntakeEnv = IntakeEnv;
export type EmailIntakeEnv = z.infer<typeof EmailIntakeEnv>;

const telemetry = lambdaTelemetry('email-intake');
const { logger } = telemetry;
const reader = new S3ObjectReader(s3Client());

function build(raw: NodeJS.ProcessEnv): (event: S3Event) => Promise<S3MailOutcome[]> {
  // The complainant inside the forwarded mail gets the acknowledgement with the query code, as on the web form.
  const c = intakeComposition(raw, telemetry.ports);
  const intake = c.intakeDeps();
  const { jurisdiction, quarantine, clock, blobs } = c;
  if (!blobs) throw new Error('EVIDENCE_BUCKET is required');
  return (event) =>
    processSesMailEvent(event, {
      readObject: async (bucket, key) => {
        const out = await reader.get(bucket, key);
        if (!out) throw new Error(`S3 object missing or without body: ${key}`);
        return out.bytes;
      },
      ingest: (raw, source) => ingestEmail(raw, source, { clock, jurisdiction, blobs, quarantine, submit: async (i) => ({ caseId: (await createCase(intake, i)).caseId }) }),
      log: (message, data) => logger.info(message, data),
    });
}

let service: ((event: S3Event) => Promise<S3MailOutcome[]>) | undefined;

export const handler = lambdaHandler(telemetry, async (event: S3Event) => {
  service ??= build(process.env);
  return service(event);
});
