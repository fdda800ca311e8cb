/** The intake ports of the channel Lambdas, from their zod-checked environment (created once per container). */
import * as z from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/aws/dynamo-case-store';
import { DynamoDuplicateIndex } from '../adapters/aws/dynamo-duplicate-index';
import { createDuplicateCheck } from '../services/duplicates';
import { createCaseStore } from '../adapters/aws/case-store-factory';
import { lazySfnWorkflow } from '../adapters/aws/lazy-sfn-workflow';
import { QueuedWorkflow } from '../adapters/aws/queued-workflow';
import { lazyS3BlobStore } from '../adapters/aws/lazy-s3-blob-store';
import { cryptoIds } from '../adapters/ids';
import { systemClock } from '../ports';
import { loadJurisdiction } from '../config/load';
import { loadRulesRegistry } from '../config/rules';
import type { Workflow } from '../ports';
import type { IntakeDeps } from './core';

export const IntakeEnv = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  EVIDENCE_BUCKET: z.string().min(1),
  JURISDICTION: z.string().min(1),
  EVIDENCE_KMS_KEY_ID: z.string().optional(),
  STATUS_URL: z.url().optional(),
  /** The start queue (SQS): set, executions are started by the execution-starter Lambda from it. */
  START_QUEUE_URL: z.url().optional(),
});
export type IntakeEnv = z.infer<typeof IntakeEnv>;

/**
 * The Workflow port of a function that starts cases: through the start queue when `START_QUEUE_URL` is set
 * (so a burst or a Step Functions outage waits in SQS), else StartExecution directly. Task-token callbacks
 * always go straight to Step Functions. The Step Functions client loads on its first call (with the queue, an
 * intake never makes one; see lazy-sfn-workflow.ts).
 */
export function workflowFromEnv(env: { STATE_MACHINE_ARN: string; START_QUEUE_URL?: string | undefined }): Workflow {
  const sfn = lazySfnWorkflow(env.STATE_MACHINE_ARN);
  return env.START_QUEUE_URL ? new QueuedWorkflow(new SQSClient({}), env.START_QUEUE_URL, sfn) : sfn;
}

/**
 * The intake ports of a channel function. Duplicate matching (art. 11) as in the embedded runtime: the check
 * before the case is created, the identity keys filed at once; the screening task files the text's LSH bands.
 * The acknowledgement mail is added by the functions that send one (the API adds its MailSender).
 */
export function intakeDepsFromEnv(raw: NodeJS.ProcessEnv, shared: { doc?: DynamoDBDocumentClient } = {}): IntakeDeps {
  const env = IntakeEnv.parse(raw);
  // A function that needs the table for more than intake passes its one document client (one client per container).
  const doc = shared.doc ?? createDocumentClient(new DynamoDBClient({}));
  const store = createCaseStore({ doc, tableName: env.TABLE_NAME });
  const jurisdiction = loadJurisdiction(env.JURISDICTION);
  const duplicates = createDuplicateCheck({ index: new DynamoDuplicateIndex({ doc, tableName: env.TABLE_NAME }), store, departments: jurisdiction.departments });
  return {
    store,
    duplicateCheck: duplicates,
    indexCase: (c) => duplicates.indexCase(c, 'identity'),
    workflow: workflowFromEnv(env),
    // S3 loads on the first put or get (the API needs it only for attachments); see lazy-s3-blob-store.ts.
    blobs: lazyS3BlobStore({ bucket: env.EVIDENCE_BUCKET, ...(env.EVIDENCE_KMS_KEY_ID ? { kmsKeyId: env.EVIDENCE_KMS_KEY_ID } : {}) }),
    clock: systemClock,
    ids: cryptoIds,
    rules: loadRulesRegistry(),
    jurisdiction,
    ...(env.STATUS_URL ? { statusUrl: env.STATUS_URL } : {}),
  };
}
