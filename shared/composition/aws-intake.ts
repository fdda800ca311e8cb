/**
 * The channel Lambdas' environment and their composition: the AWS composition root (shared/composition/aws.ts)
 * with the intake parts (the start workflow, the evidence bucket, duplicate matching as in the embedded runtime:
 * the check before the case is created, the identity keys filed at once; the screening task files the text's LSH
 * bands). Created once per container.
 */
import * as z from 'zod';
import { composeAws } from './aws';
import type { AwsComposition, AwsCompositionOptions } from './aws';
import { dynamoDuplicates } from './aws-duplicates';
import { s3Evidence, sfnStartWorkflow } from './aws-parts';

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

/** The composition of a channel function (its environment checked against IntakeEnv first). */
export function intakeComposition(raw: Record<string, string | undefined>, opts: AwsCompositionOptions = {}): AwsComposition {
  IntakeEnv.parse(raw);
  return composeAws(raw, { workflow: sfnStartWorkflow, evidence: s3Evidence, duplicates: dynamoDuplicates, ...opts });
}
