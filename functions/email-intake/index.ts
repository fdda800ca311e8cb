/**
 * Lambda on the S3 objects SES receiving writes. Clients and the logger are created once per container from
 * the zod-checked environment; the intake core is wired here (the email service only sees `submit`).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { S3Event } from 'aws-lambda';
import type * as z from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { submitIntake } from '../../shared/intake/core';
import { IntakeEnv, intakeDepsFromEnv } from '../../shared/intake/aws-deps';
import { lazyMailSenderFromEnv } from '../../shared/adapters/aws/lazy-mail-sender';
import { ingestEmail } from '../../shared/email-intake/service';
import { DynamoQuarantineStore } from '../../shared/adapters/aws/dynamo-quarantine-store';
import { systemClock } from '../../shared/ports';
import { processSesMailEvent, type S3MailOutcome } from './service';

/** The intake ports' environment (shared/intake/aws-deps.ts): this function needs nothing more. */
export const EmailIntakeEnv = IntakeEnv;
export type EmailIntakeEnv = z.infer<typeof EmailIntakeEnv>;

const logger = new Logger({ serviceName: 'email-intake' });
const s3 = new S3Client({});

function build(raw: NodeJS.ProcessEnv): (event: S3Event) => Promise<S3MailOutcome[]> {
  const env = EmailIntakeEnv.parse(raw);
  const doc = createDocumentClient(new DynamoDBClient({}));
  // The complainant inside the forwarded mail gets the acknowledgement with the query code, as on the web form.
  const intake = { ...intakeDepsFromEnv(raw, { doc }), mail: lazyMailSenderFromEnv(raw) };
  const { jurisdiction, blobs } = intake;
  const quarantine = new DynamoQuarantineStore(doc, env.TABLE_NAME);
  return (event) =>
    processSesMailEvent(event, {
      readObject: async (bucket, key) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.Body) throw new Error(`S3 object without body: ${key}`);
        return out.Body.transformToByteArray();
      },
      ingest: (raw, source) =>
        ingestEmail(raw, source, { clock: systemClock, jurisdiction, blobs, quarantine, submit: async (i) => ({ caseId: (await submitIntake(intake, i)).caseId }) }),
      log: (message, data) => logger.info(message, data),
    });
}

let service: ((event: S3Event) => Promise<S3MailOutcome[]>) | undefined;

export const handler = middy(async (event: S3Event) => {
  service ??= build(process.env);
  return service(event);
}).use(injectLambdaContext(logger));
