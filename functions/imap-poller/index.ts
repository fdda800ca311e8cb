/**
 * Scheduled Lambda (EventBridge schedule) polling one IMAP mailbox with imapflow. The password is read from
 * Secrets Manager (`IMAP_SECRET_ARN`, JSON `{ "password": "…" }`) on the first run of the container and cached;
 * a refused login forgets it, so a rotated password is read again on the next run. It is never in the function's
 * configuration and never reaches a log.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ImapFlow } from 'imapflow';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store';
import { cachedSecret, readSecretFields } from '../../shared/adapters/aws/secret-json';
import type { CachedSecret } from '../../shared/adapters/aws/secret-json';
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
  /** Secrets Manager secret (ARN or name) holding `{ "password": "…" }` for IMAP_USER. */
  IMAP_SECRET_ARN: z.string().min(1),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  IMAP_MAX_MESSAGES: z.coerce.number().int().positive().default(100),
});
export type ImapPollerEnv = z.infer<typeof ImapPollerEnv>;

const logger = new Logger({ serviceName: 'imap-poller' });
const secrets = new SecretsManagerClient({});
let imapPassword: CachedSecret<string> | undefined;

/** The mailbox password from its secret, read once per container (exported for the unit test). */
export function imapPasswordSource(client: SecretsManagerClient, secretId: string): CachedSecret<string> {
  return cachedSecret(async () => (await readSecretFields(client, secretId, ['password'] as const)).password);
}

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
  imapPassword ??= imapPasswordSource(secrets, env.IMAP_SECRET_ARN);
  const password = imapPassword;
  const client = new ImapFlow({ host: env.IMAP_HOST, port: env.IMAP_PORT, secure: env.IMAP_PORT === 993, auth: { user: env.IMAP_USER, pass: await password.get() }, logger: false });
  try {
    return await pollMailbox(client as unknown as ImapClientLike, {
      mailbox: env.IMAP_MAILBOX,
      maxMessages: env.IMAP_MAX_MESSAGES,
      ingest: (raw, source) =>
        ingestEmail(raw, source, { clock: systemClock, jurisdiction, blobs, quarantine, submit: async (i) => ({ caseId: (await submitIntake(intake, i)).caseId }) }),
      log: (message, data) => logger.warn(message, data),
    });
  } catch (err) {
    // imapflow marks a refused login with `authenticationFailed`: the password may have been rotated.
    if ((err as { authenticationFailed?: boolean }).authenticationFailed) password.invalidate();
    throw err;
  }
}

export const handler = middy(async () => {
  const summary = await run(ImapPollerEnv.parse(process.env));
  logger.info('imap poll done', { ...summary });
  return summary;
}).use(injectLambdaContext(logger));
