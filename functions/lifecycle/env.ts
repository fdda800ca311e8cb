/**
 * Environment of the life-cycle task functions (STYLE.md rule 4): one zod schema, parsed at cold start by
 * functions/lifecycle/runtime.ts and used as the props type of the functions in CDK.
 */
import * as z from 'zod';

export const LifecycleFunctionEnv = z.object({
  /** The single DynamoDB table (shared/adapters/aws/table.ts). */
  TABLE_NAME: z.string().min(1),
  /** The jurisdiction this stack serves (one stack per jurisdiction), e.g. `510903`. */
  JURISDICTION: z.string().regex(/^\d{6}(-[A-Za-z0-9]+)?$/),
  /** Directory of jurisdiction files bundled with the function (default: config/jurisdictions). */
  JURISDICTION_DIR: z.string().min(1).optional(),
  /** Administrator calendar year files (default: config/calendar). */
  CALENDAR_DIR: z.string().min(1).optional(),
  /** Rules version files (default: config/rules). */
  RULES_DIR: z.string().min(1).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** The art. 18 archive bucket (S3 Object Lock): set on the archive-case function only. */
  ARCHIVE_BUCKET: z.string().min(1).optional(),
  /** KMS key (ARN or id) the archive files are encrypted with (the bucket's key); SSE-S3 when unset. */
  ARCHIVE_KMS_KEY_ID: z.string().min(1).optional(),
  /** screen-case only: the evidence bucket, read to send a case's files with its hand-over (issue 15). */
  EVIDENCE_BUCKET: z.string().min(1).optional(),
  EVIDENCE_KMS_KEY_ID: z.string().min(1).optional(),
  /** screen-case only: the hand-over settings (shared/composition/aws-handover.ts), with the secret of the keys. */
  HANDOVER: z.string().min(2).optional(),
  HANDOVER_SECRET_ARN: z.string().startsWith('arn:').optional(),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('tousu-lifecycle'),
});
export type LifecycleFunctionEnv = z.infer<typeof LifecycleFunctionEnv>;
/** What CDK passes (defaults may be left out). */
export type LifecycleFunctionEnvInput = z.input<typeof LifecycleFunctionEnv>;
