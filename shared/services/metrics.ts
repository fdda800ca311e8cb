/**
 * The operational metrics both platforms emit under the same names: CloudWatch through Powertools Metrics on
 * Lambda (shared/composition/aws-lambda.ts), an in-process tally in the embedded runtime
 * (shared/adapters/memory/counters.ts, shown by `GET /admin/status` on the admin socket). Counts only, never
 * personal data.
 */
export const METRICS = {
  /** A delivery made a new case (merged on arrival included). */
  intakeCreated: 'IntakesCreated',
  /** A delivery seen before (same source key): no new case. */
  intakeReplayed: 'IntakesReplayed',
  /** The handle-deadline task marked a case overdue (art. 20 counts it). */
  overdue: 'OverdueCases',
  /** A valid intake that could not be filed was parked as a dead letter (embedded runtime; on AWS the queues' DLQs). */
  deadLetterParked: 'DeadLettersParked',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
