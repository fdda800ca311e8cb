/**
 * Cold-start wiring shared by the life-cycle task functions: the environment is parsed once, the SDK clients,
 * the logger, the calendar, the rules and the jurisdiction are created once per container (STYLE.md rule 2).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { mailSenderFromEnv } from '../../shared/adapters/aws/mail-sender-factory';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store';
import { loadCalendar } from '../../shared/calendar/load';
import { loadJurisdiction, loadRulesRegistry } from '../../shared/config/load';
import { systemClock } from '../../shared/ports';
import type { Workflow } from '../../shared/ports';
import { lifecycleTasks } from '../../shared/services/lifecycle-tasks';
import { LifecycleFunctionEnv } from './env';

const env = LifecycleFunctionEnv.parse(process.env);

export const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });

const sfn = new SFNClient({});
const jurisdiction = loadJurisdiction(env.JURISDICTION, env.JURISDICTION_DIR ? { dir: env.JURISDICTION_DIR } : {});

/**
 * Only SendTaskSuccess is needed here (the await task completing its own callback). Not the full SfnWorkflow:
 * it would need the state machine's ARN, which would make the machine and its own functions depend on each other.
 */
const callbacks: Pick<Workflow, 'sendTaskSuccess'> = {
  async sendTaskSuccess(taskToken, output) {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  },
};

export const tasks = lifecycleTasks({
  store: createCaseStore({ doc: createDocumentClient(new DynamoDBClient({})), tableName: env.TABLE_NAME }),
  clock: systemClock,
  calendar: loadCalendar(env.CALENDAR_DIR ? { yearDir: env.CALENDAR_DIR } : {}),
  rules: env.RULES_DIR ? loadRulesRegistry(env.RULES_DIR) : loadRulesRegistry(),
  jurisdiction,
  mail: mailSenderFromEnv(process.env, jurisdiction.mail.replyTo ? { replyTo: jurisdiction.mail.replyTo } : {}),
  workflow: callbacks,
  ...(env.ARCHIVE_BUCKET
    ? { archiveBlobs: new S3BlobStore({ s3: new S3Client({}), bucket: env.ARCHIVE_BUCKET, ...(env.ARCHIVE_KMS_KEY_ID ? { kmsKeyId: env.ARCHIVE_KMS_KEY_ID } : {}) }) }
    : {}),
  logger: {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  },
});
