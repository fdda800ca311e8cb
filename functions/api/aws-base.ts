/**
 * What the API Lambda builds at cold start (functions/api/index.ts): the environment, the composition root's intake
 * parts, the HTTP limits and the hand-over receiver: everything the public routes (form, status, POST
 * /api/complaints, /api/handover) need. The staff side is built from it on the first staff request
 * (./aws-staff.ts).
 */
import { intakeComposition } from '../../shared/composition/aws-intake';
import type { AwsComposition } from '../../shared/composition/aws';
import { awsHandoverFromEnv } from '../../shared/composition/aws-handover';
import type { Counters, Logger } from '../../shared/ports';
import type { AppDeps } from './app';
import { ApiEnv } from './env';
import { parseHttpLimits } from './limits';

export interface ApiBase {
  env: ApiEnv;
  composition: AwsComposition;
  deps: AppDeps & { limits: NonNullable<AppDeps['limits']> };
  logger: Logger;
}

export function apiBaseFromEnv(raw: NodeJS.ProcessEnv, ports: { logger: Logger; metrics: Counters }): ApiBase {
  const env = ApiEnv.parse(raw);
  const composition = intakeComposition(raw, ports);
  const intake = composition.intakeDeps();
  const limits = parseHttpLimits(env.HTTP_LIMITS ? JSON.parse(env.HTTP_LIMITS) : {}, 'HTTP_LIMITS');
  // POST /api/handover (issue 15): only when the stack has hand-over peers; the keys are read on the first one.
  const handover = awsHandoverFromEnv(raw);
  return { env, composition, logger: ports.logger, deps: { intake, limits, logger: ports.logger, ...(handover ? { handover: () => handover.config() } : {}) } };
}
