/** Environment of the execution starter (STYLE rule 4): parsed at cold start, the props type in CDK. */
import * as z from 'zod';

export const ExecutionStarterEnv = z.object({
  /** The case life-cycle state machine the queued starts are for. */
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
});
export type ExecutionStarterEnv = z.infer<typeof ExecutionStarterEnv>;
