/**
 * Lambda entry of the HTTP API (API Gateway HTTP API, payload v2) through hono/aws-lambda. The same app runs
 * in the embedded runtime. Clients are created once per container from the zod-checked environment.
 */
import { handle } from 'hono/aws-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { IntakeEnv, intakeDepsFromEnv } from '../../shared/intake/aws-deps';
import { createApp } from './app';
import type { AppDeps } from './app';

export const ApiEnv = IntakeEnv;
export type ApiEnv = IntakeEnv;

/** The Lambda handler for given ports (what tests and other entries call). */
export function createLambdaHandler(deps: AppDeps): (event: LambdaEvent, context?: LambdaContext) => Promise<unknown> {
  const app = createApp({ deps });
  return handle(app) as (event: LambdaEvent, context?: LambdaContext) => Promise<unknown>;
}

let cached: ReturnType<typeof createLambdaHandler> | undefined;

export const handler = (event: LambdaEvent, context?: LambdaContext): Promise<unknown> => {
  cached ??= createLambdaHandler({ intake: intakeDepsFromEnv(process.env) });
  return cached(event, context);
};
