/**
 * Scheduled Lambda (EventBridge schedule) polling one IMAP mailbox with imapflow. The password is read from the
 * environment (CDK passes it from Secrets Manager); it never reaches a log.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ImapFlow } from 'imapflow';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
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
import { pollMailbox, type ImapClientLike, type PollSummary } from './poller';

export const ImapPollerEnv = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  EVIDENCE_BUCKET: z.string().min(1),
  JURISDICTION: z.string().min(1),
  IMAP_HOST: z.string().min(1),
  IMAP_PORT: z.coerce.number().int().positive().default(993),
  IMAP_USER: z.string().min(1),
  IMAP_PASSWORD: z.string().min(1),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  IMAP_MAX_MESSAGES: z.coerce.number().int().positive().default(100),
});
export type ImapPollerEnv = z.infer<typeof ImapPollerEnv>;

const logger = new Logger({ serviceName: 'imap-poller' });

async function run(env: ImapPollerEnv): Promise<PollSummary> {
  const doc = createDocumentClient(new DynamoDBClient({}));
  const jurisdiction = loadJurisdiction(env.JURISDICTION);
  const blobs = new S3BlobStore({ s3: new S3Client({}), bucket: env.EVIDENCE_BUCKET });
  const intake: IntakeDeps = {
    store: createCaseStore({ doc, tableName: env.TABLE_NAME }),
    workflow: new SfnWorkflow(new SFNClient({}), env.STATE_MACHINE_ARN),
    blobs,
    clock: systemClock,
    ids: cryptoIds,
    rules: loadRulesRegistry(),
    jurisdiction,
  };
  const quarantine = new DynamoQuarantineStore(doc, env.TABLE_NAME);
  const client = new ImapFlow({ host: env.IMAP_HOST, port: env.IMAP_PORT, secure: env.IMAP_PORT === 993, auth: { user: env.IMAP_USER, pass: env.IMAP_PASSWORD }, logger: false });
  return pollMailbox(client as unknown as ImapClientLike, {
    mailbox: env.IMAP_MAILBOX,
    maxMessages: env.IMAP_MAX_MESSAGES,
    ingest: (raw, source) =>
      ingestEmail(raw, source, { clock: systemClock, jurisdiction, blobs, quarantine, submit: async (i) => ({ caseId: (await submitIntake(intake, i)).caseId }) }),
    log: (message, data) => logger.warn(message, data),
  });
}

export const handler = middy(async () => {
  const summary = await run(ImapPollerEnv.parse(process.env));
  logger.info('imap poll done', { ...summary });
  return summary;
}).use(injectLambdaContext(logger));
