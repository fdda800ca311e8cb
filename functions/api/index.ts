/**
 * Lambda entry of the HTTP API (API Gateway HTTP API, payload v2) through hono/aws-lambda. The same app runs
 * in the embedded runtime (infra/local/runtime.ts). Clients are created once per container from the
 * zod-checked environment. Staff routes verify Cognito ID tokens (one verification interface, shared/auth); staff
 * sign in through POST /api/auth/login and its challenge steps against Cognito (shared/auth/cognito-login.ts).
 *
 * Cold start (issue 26 item 5): the public routes (form, status page, POST /api/complaints, the hand-over
 * receiver) and their ports (./aws-base.ts). The staff side (./aws-staff.ts: Cognito, cases and actions, console,
 * reports, administration, staff intake) is a chunk loaded by the first request to a staff path
 * (./lazy-routes.ts STAFF_PATHS) and then kept for the container.
 */
import { handle } from 'hono/aws-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import type { Hono } from 'hono';
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { createApp } from './app';
import type { AppDeps } from './app';
import { apiBaseFromEnv } from './aws-base';
import { STAFF_PATHS, mountLazyRoutes } from './lazy-routes';

export { ApiEnv } from './env';

/** The Lambda handler for given ports (what tests and other entries call). */
export function createLambdaHandler(deps: AppDeps, extraRoutes?: (app: Hono) => void): (event: LambdaEvent, context?: LambdaContext) => Promise<unknown> {
  const app = createApp({ deps, ...(extraRoutes ? { extraRoutes } : {}) });
  return handle(app) as (event: LambdaEvent, context?: LambdaContext) => Promise<unknown>;
}

const telemetry = lambdaTelemetry('api');

let cached: ReturnType<typeof createLambdaHandler> | undefined;
/** Reads the years imported through the admin API (at most every 5 minutes), before a request uses the calendar. */
let refreshCalendar: () => Promise<void> = async () => undefined;

export const handler = lambdaHandler(telemetry, async (event: LambdaEvent, context: LambdaContext): Promise<unknown> => {
  if (!cached) {
    const base = apiBaseFromEnv(process.env, telemetry.ports);
    refreshCalendar = base.composition.refreshCalendar;
    cached = createLambdaHandler(base.deps, (app) =>
      mountLazyRoutes(app, STAFF_PATHS, {
        trustedProxies: base.deps.limits.trustedProxies,
        logger: base.logger,
        load: async () => {
          const { apiStaffParts, mountApiRoutes } = await import('./aws-staff');
          const parts = apiStaffParts(base);
          return (sub) => mountApiRoutes(sub, parts);
        },
      }),
    );
  }
  await refreshCalendar();
  return cached(event, context);
});
