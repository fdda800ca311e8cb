/**
 * Lambda on the S3 objects SES receiving writes. Clients and the logger are created once per container from
 * the zod-checked environment; the intake core is wired here (the email service only sees `submit`).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { S3Event } from 'aws-lambda';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store';
import { cryptoIds } from '../../shared/adapters/ids';
import { loadJurisdiction } from '../../shared/config/load';
import { loadRulesRegistry } from '../../shared/config/rules';
import { submitIntake, type IntakeDeps } from '../../shared/intake/core';
import { ingestEmail } from '../../shared/email-intake/service';
import { DynamoQuarantineStore } from '../../shared/email-intake/quarantine-dynamodb';
import { systemClock } from '../../shared/ports';
import { processSesMailEvent, type S3MailOutcome } from './service';

export const EmailIntakeEnv = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  EVIDENCE_BUCKET: z.string().min(1),
  JURISDICTION: z.string().min(1),
  EVIDENCE_KMS_KEY_ID: z.string().optional(),
  STATUS_URL: z.url().optional(),
});
export type EmailIntakeEnv = z.infer<typeof EmailIntakeEnv>;

const logger = new Logger({ serviceName: 'email-intake' });
const s3 = new S3Client({});

function build(env: EmailIntakeEnv): (event: S3Event) => Promise<S3MailOutcome[]> {
  const doc = createDocumentClient(new DynamoDBClient({}));
  const jurisdiction = loadJurisdiction(env.JURISDICTION);
  const blobs = new S3BlobStore({ s3, bucket: env.EVIDENCE_BUCKET, ...(env.EVIDENCE_KMS_KEY_ID ? { kmsKeyId: env.EVIDENCE_KMS_KEY_ID } : {}) });
  const intake: IntakeDeps = {
    store: createCaseStore({ doc, tableName: env.TABLE_NAME }),
    workflow: new SfnWorkflow(new SFNClient({}), env.STATE_MACHINE_ARN),
    blobs,
    clock: systemClock,
    ids: cryptoIds,
    rules: loadRulesRegistry(),
    jurisdiction,
    ...(env.STATUS_URL ? { statusUrl: env.STATUS_URL } : {}),
  };
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
  service ??= build(EmailIntakeEnv.parse(process.env));
  return service(event);
}).use(injectLambdaContext(logger));
