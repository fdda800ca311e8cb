/** Environment of the reconciler (STYLE rule 4): parsed at cold start, the props type in CDK. */
import * as z from 'zod';

export const ReconcilerEnv = z.object({
  TABLE_NAME: z.string().min(1),
  JURISDICTION: z.string().min(1),
  /** The case life-cycle state machine (task-token callbacks are not used here; kept for the Workflow port). */
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  /** The start queue: the reconciler queues its starts like every other function that starts cases. */
  START_QUEUE_URL: z.url(),
  /** How long a case may sit without progress, or a claim without a case, before it is repaired. */
  /** Parked hand-overs (issue 15) are sent again at every run: the settings, their keys and the evidence they carry. */
  HANDOVER: z.string().min(2).optional(),
  HANDOVER_SECRET_ARN: z.string().startsWith('arn:').optional(),
  EVIDENCE_BUCKET: z.string().min(1).optional(),
  EVIDENCE_KMS_KEY_ID: z.string().min(1).optional(),
  /** The 12345 loop (art. 7(2)): webhook settings without the secret (JSON), and the secret holding `{ "secret": … }`. */
  WORKORDER_OUTBOUND: z.string().min(2).optional(),
  WORKORDER_SECRET_ARN: z.string().startsWith('arn:').optional(),
  THRESHOLD_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
});
export type ReconcilerEnv = z.infer<typeof ReconcilerEnv>;
export type ReconcilerEnvInput = z.input<typeof ReconcilerEnv>;
