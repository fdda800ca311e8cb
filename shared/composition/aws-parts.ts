/**
 * Optional parts of the AWS composition (./aws.ts), each imported only by the functions that use it so that the
 * other bundles do not carry its SDK client (S3 ~120 KB, SQS); the parts that build an S3 client at cold start are in ./aws-s3.ts — see docs/BENCHMARKS.md, "Lambda bundles".
 */
import { lazyQueuedWorkflow } from '../adapters/aws/lazy-queued-workflow';
import { lazySfnWorkflow } from '../adapters/aws/lazy-sfn-workflow';
import { lazyS3BlobStore } from '../adapters/aws/lazy-s3-blob-store';
import type { BlobStore, Workflow } from '../ports';
import type { AwsPartContext } from './aws';

/**
 * The Workflow of a function that starts cases: through the start queue when `START_QUEUE_URL` is set (so a
 * burst or a Step Functions outage waits in SQS), else StartExecution directly. Task-token callbacks always go
 * straight to Step Functions.
 */
export function sfnStartWorkflow({ env }: { env: Pick<AwsPartContext['env'], 'STATE_MACHINE_ARN' | 'START_QUEUE_URL'> }): Workflow {
  if (!env.STATE_MACHINE_ARN) throw new Error('STATE_MACHINE_ARN is required to start executions');
  // The Step Functions client loads on its first call (with the queue, an intake never makes one).
  const sfn = lazySfnWorkflow(env.STATE_MACHINE_ARN);
  // Likewise the SQS client, on the first start.
  return env.START_QUEUE_URL ? lazyQueuedWorkflow(env.START_QUEUE_URL, sfn) : sfn;
}

/** The evidence bucket of the intakes (`EVIDENCE_BUCKET`, optional KMS key). */
export function s3Evidence({ env }: Pick<AwsPartContext, 'env'>): BlobStore | undefined {
  // S3 loads on first use: most intakes carry no attachment.
  return env.EVIDENCE_BUCKET ? lazyS3BlobStore({ bucket: env.EVIDENCE_BUCKET, ...(env.EVIDENCE_KMS_KEY_ID ? { kmsKeyId: env.EVIDENCE_KMS_KEY_ID } : {}) }) : undefined;
}
