/**
 * The API Lambda's staff side: sign-in (Cognito), cases and their actions, the console and its API, reports,
 * administration (users, dead letters, workflows, calendar) and staff intake. Not loaded at cold start: the first
 * request to one of STAFF_PATHS (./lazy-routes.ts) imports this module, builds these ports from the cold start's
 * (./aws-base.ts) and mounts the routes on a sub-application kept for the container (issue 26 item 5: the public
 * form and status routes, most of the API's traffic, do not carry the Cognito client, the life-cycle actions, the
 * console and the reports; docs/BENCHMARKS.md "Lambda bundles").
 */
import type { Hono } from 'hono';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoTokenVerifier } from '../../shared/auth';
import { parseHolidayNotice } from '../../shared/domain/calendar-notice';
import { performAction } from '../../shared/services/actions';
import { createCognitoChallenges, createCognitoLogin, createCognitoLogout } from '../../shared/auth/cognito-login';
import { cognitoStaffDirectory } from '../../shared/auth/cognito-directory';
import type { SignInChallenges } from '../../shared/ports/staff-auth';
import { mountSignInChallengeRoutes } from './routes/auth-cognito';
import type { AppDeps } from './app';
import { mountStaffRoutes, staffAuthenticator } from './routes/staff';
import type { StaffRouteDeps } from './routes/staff';
import { mountReportRoutes } from './routes/reports';
import { mountDecisionRoutes } from './routes/evaluation-decisions';
import type { DecisionRouteDeps } from './routes/evaluation-decisions';
import { mountAdminRoutes } from './routes/admin';
import type { AdminRouteDeps } from './routes/admin';
import { cognitoStaffAdmin } from '../../shared/auth/cognito-admin';
import { replayDeadLetter } from '../../shared/services/dead-letters';
import type { SubmitOptions } from '../../shared/services/dead-letters';
import { reconcile } from '../../shared/services/reconcile';
import { submitIntake } from '../../shared/intake/core';
import type { CanonicalIntake } from '../../shared/domain/intake';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import type { Logger } from '../../shared/ports';
import { registerConsoleRoutes } from './routes/console';
import { mountStaffIntakeRoutes } from '../staff-intake/routes';
import { lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { apiBaseFromEnv } from './aws-base';
import type { ApiBase } from './aws-base';

export interface ApiParts {
  deps: AppDeps;
  staff: StaffRouteDeps;
  facts: EvaluationFactStore;
  challenges: SignInChallenges;
  admin: AdminRouteDeps;
  decisions: DecisionRouteDeps;
  logger: Logger;
}

/** The staff ports on top of the cold start's (one Cognito client per container). */
export function apiStaffParts(base: ApiBase): ApiParts {
  const { env, composition: c, deps, logger } = base;
  const { intake, limits } = deps;
  const { calendar } = c;
  const cognitoClient = new CognitoIdentityProviderClient({});
  const revocations = c.staffRevocations;
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
    decisions: c.decisions,
    rules: intake.rules,
    clock: intake.clock,
    mail: c.mail,
    jurisdiction: intake.jurisdiction,
    logger,
  };
  return { deps, staff, facts: c.facts, challenges: createCognitoChallenges(cognito), admin, decisions, logger };
}

/** Every port of the API Lambda from its environment, public and staff, built at once (the wiring tests). */
export function apiFromEnv(raw: NodeJS.ProcessEnv, ports = lambdaTelemetry('api').ports): ApiParts {
  return apiStaffParts(apiBaseFromEnv(raw, ports));
}

/** Every route of the API Lambda beyond createApp's own (also the route-parity test with the embedded runtime). */
export function mountApiRoutes(app: Hono, parts: ApiParts): void {
  const { deps, staff, facts, challenges, admin, decisions, logger } = parts;
  mountStaffRoutes(app, staff);
  mountSignInChallengeRoutes(app, { challenges });
  mountReportRoutes(app, { ...staff, facts, logger });
  mountDecisionRoutes(app, decisions);
  mountAdminRoutes(app, admin);
  registerConsoleRoutes(app, { api: staff });
  mountStaffIntakeRoutes(app, { intake: deps.intake, authenticate: staffAuthenticator(staff.verifier) });
}
