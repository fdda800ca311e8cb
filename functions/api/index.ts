/**
 * Lambda entry of the HTTP API (API Gateway HTTP API, payload v2) through hono/aws-lambda. The same app runs
 * in the embedded runtime (infra/local/runtime.ts). Clients are created once per container from the
 * zod-checked environment. Staff routes verify Cognito ID tokens (one verification interface, shared/auth); staff
 * sign in through POST /api/auth/login and its challenge steps against Cognito (shared/auth/cognito-login.ts).
 */
import { handle } from 'hono/aws-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import type { Hono } from 'hono';
import * as z from 'zod';
import { IntakeEnv, intakeComposition } from '../../shared/composition/aws-intake';
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { CognitoTokenVerifier } from '../../shared/auth';
import { parseHolidayNotice } from '../../shared/domain/calendar-notice';
import { performAction } from '../../shared/services/actions';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoChallenges, createCognitoLogin, createCognitoLogout } from '../../shared/auth/cognito-login';
import { cognitoStaffDirectory } from '../../shared/auth/cognito-directory';
import { DynamoStaffRevocations } from '../../shared/adapters/aws/staff-revocations';
import { parseHttpLimits } from './limits';
import type { SignInChallenges } from '../../shared/auth/challenge';
import { mountSignInChallengeRoutes } from './routes/auth-cognito';
import { createApp } from './app';
import type { AppDeps } from './app';
import { mountStaffRoutes, staffAuthenticator } from './routes/staff';
import { mountReportRoutes } from './routes/reports';
import { mountDecisionRoutes } from './routes/evaluation-decisions';
import type { DecisionRouteDeps } from './routes/evaluation-decisions';
import { lazyDecisionStore } from '../../shared/adapters/aws/lazy-stores';
import { mountAdminRoutes } from './routes/admin';
import type { AdminRouteDeps } from './routes/admin';
import { cognitoStaffAdmin } from '../../shared/auth/cognito-admin';
import { replayDeadLetter } from '../../shared/services/dead-letters';
import type { SubmitOptions } from '../../shared/services/dead-letters';
import { reconcile } from '../../shared/services/reconcile';
import { submitIntake } from '../../shared/intake/core';
import type { CanonicalIntake } from '../../shared/domain/intake';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import { registerConsoleRoutes } from './routes/console';
import type { StaffRouteDeps } from './routes/staff';
import { mountStaffIntakeRoutes } from '../staff-intake/routes';
import { HandoverEnv, awsHandoverFromEnv } from '../../shared/composition/aws-handover';

export const ApiEnv = IntakeEnv.extend({
  ...HandoverEnv.shape,
  COGNITO_USER_POOL_ID: z.string().min(1),
  COGNITO_CLIENT_ID: z.string().min(1),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** HttpLimits as JSON (config/deploy/<code>.json "api.limits", validated at synth); absent: the defaults. */
  HTTP_LIMITS: z.string().optional(),
});
export type ApiEnv = z.infer<typeof ApiEnv>;

/** The Lambda handler for given ports (what tests and other entries call). */
export function createLambdaHandler(deps: AppDeps, extraRoutes?: (app: Hono) => void): (event: LambdaEvent, context?: LambdaContext) => Promise<unknown> {
  const app = createApp({ deps, ...(extraRoutes ? { extraRoutes } : {}) });
  return handle(app) as (event: LambdaEvent, context?: LambdaContext) => Promise<unknown>;
}

const telemetry = lambdaTelemetry('api');

/** Builds every port of the API Lambda from its environment (exported for the wiring test). */
export function apiFromEnv(raw: NodeJS.ProcessEnv): {
  deps: AppDeps;
  staff: StaffRouteDeps;
  facts: EvaluationFactStore;
  challenges: SignInChallenges;
  admin: AdminRouteDeps;
  decisions: DecisionRouteDeps;
} {
  const env = ApiEnv.parse(raw);
  const c = intakeComposition(raw, telemetry.ports);
  const { logger } = telemetry.ports;
  const intake = c.intakeDeps();
  const { calendar, doc } = c;
  refreshCalendar = c.refreshCalendar;
  const limits = parseHttpLimits(env.HTTP_LIMITS ? JSON.parse(env.HTTP_LIMITS) : {}, 'HTTP_LIMITS');
  const cognitoClient = new CognitoIdentityProviderClient({});
  const revocations = new DynamoStaffRevocations(doc, env.TABLE_NAME);
  // Every staff request is checked against the account in the pool and against the user's logout record.
  const verifier = new CognitoTokenVerifier({ userPoolId: env.COGNITO_USER_POOL_ID, clientId: env.COGNITO_CLIENT_ID, jurisdiction: env.JURISDICTION, cognito: cognitoClient, revocations });
  // Staff sign in through this API (USER_PASSWORD_AUTH on the console's app client), then the steps Cognito asks for.
  const cognito = { client: cognitoClient, clientId: env.COGNITO_CLIENT_ID, verifier, totpIssuer: `tousu ${intake.jurisdiction.name}`, logger };
  const staff: StaffRouteDeps = {
    verifier,
    login: createCognitoLogin(cognito),
    logout: createCognitoLogout({ client: cognitoClient, userPoolId: env.COGNITO_USER_POOL_ID, revocations }),
    limits,
    store: intake.store,
    jurisdiction: intake.jurisdiction,
    calendar,
    rules: intake.rules,
    clock: intake.clock,
    performAction: (caseId, actor, body) => performAction({ ...c.actionDeps(), staff: cognitoStaffDirectory(cognitoClient, env.COGNITO_USER_POOL_ID) }, caseId, actor, body),
    quarantine: c.quarantine,
    calendarAdmin: {
      store: intake.store,
      clock: intake.clock,
      calendar,
      rules: intake.rules,
      jurisdiction: intake.jurisdiction,
      workflow: intake.workflow,
      saveYear: (year, meta) => c.calendarYears.put(year, meta),
      parseNotice: (text) => {
        const n = parseHolidayNotice(text);
        return { year: n.data, findings: n.findings };
      },
    },
  };
  // POST /api/handover (issue 15): only when the stack has hand-over peers; the keys are read on the first one.
  const handover = awsHandoverFromEnv(raw);
  // Users, dead letters and failed workflows in the console (issue 21 item 3): the same routes as the embedded runtime.
  // The reconciler's starts go through the start queue like the scheduled reconciler's (QueuedWorkflow).
  const submit = (i: CanonicalIntake, o: SubmitOptions = {}) => submitIntake(intake, i, o.actor ? { actor: o.actor } : {});
  const reconcileDeps = {
    store: intake.store,
    workflow: intake.workflow,
    clock: intake.clock,
    jurisdiction: intake.jurisdiction.code,
    claims: c.claims,
    deadLetters: c.deadLetters,
    submit,
    lifecycle: { calendar, rules: intake.rules, jurisdiction: intake.jurisdiction },
    logger,
  };
  const admin: AdminRouteDeps = {
    verifier,
    jurisdiction: intake.jurisdiction,
    store: intake.store,
    clock: intake.clock,
    staffAdmin: cognitoStaffAdmin(cognitoClient, env.COGNITO_USER_POOL_ID),
    recovery: {
      deadLetters: c.deadLetters,
      replay: (id) => replayDeadLetter({ submit, deadLetters: c.deadLetters, store: intake.store, clock: intake.clock, logger }, id),
      reconcile: (o) => reconcile(reconcileDeps, o),
    },
  };
  // Art. 20 decisions: their notices go out through the stack's mail sender like every other notice.
  const decisions: DecisionRouteDeps = {
    verifier,
    facts: c.facts,
    decisions: lazyDecisionStore(doc, env.TABLE_NAME),
    rules: intake.rules,
    clock: intake.clock,
    mail: c.mail,
    jurisdiction: intake.jurisdiction,
    logger,
  };
  return { deps: { intake, limits, logger, ...(handover ? { handover: () => handover.config() } : {}) }, staff, facts: c.facts, challenges: createCognitoChallenges(cognito), admin, decisions };
}

/** Every route of the API Lambda beyond createApp's own (exported for the route-parity test with the embedded runtime). */
export function mountApiRoutes(app: Hono, parts: ReturnType<typeof apiFromEnv>): void {
  const { deps, staff, facts, challenges, admin, decisions } = parts;
  mountStaffRoutes(app, staff);
  mountSignInChallengeRoutes(app, { challenges });
  mountReportRoutes(app, { ...staff, facts, logger: telemetry.ports.logger });
  mountDecisionRoutes(app, decisions);
  mountAdminRoutes(app, admin);
  registerConsoleRoutes(app, { api: staff });
  mountStaffIntakeRoutes(app, { intake: deps.intake, authenticate: staffAuthenticator(staff.verifier) });
}

let cached: ReturnType<typeof createLambdaHandler> | undefined;
/** Reads the years imported through the admin API (at most every 5 minutes), before a request uses the calendar. */
let refreshCalendar: () => Promise<void> = async () => undefined;

export const handler = lambdaHandler(telemetry, async (event: LambdaEvent, context: LambdaContext): Promise<unknown> => {
  if (!cached) {
    const parts = apiFromEnv(process.env);
    cached = createLambdaHandler(parts.deps, (app) => mountApiRoutes(app, parts));
  }
  await refreshCalendar();
  return cached(event, context);
});
