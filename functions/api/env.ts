/** The API Lambda's environment (checked at cold start; CDK passes every variable, infra/constructs/api.ts). */
import * as z from 'zod';
import { IntakeEnv } from '../../shared/composition/aws-intake';
import { HandoverEnv } from '../../shared/composition/aws-handover';

export const ApiEnv = IntakeEnv.extend({
  ...HandoverEnv.shape,
  COGNITO_USER_POOL_ID: z.string().min(1),
  COGNITO_CLIENT_ID: z.string().min(1),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** HttpLimits as JSON (config/deploy/<code>.json "api.limits", validated at synth); absent: the defaults. */
  HTTP_LIMITS: z.string().optional(),
});
export type ApiEnv = z.infer<typeof ApiEnv>;
