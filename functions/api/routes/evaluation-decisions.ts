/**
 * Art. 20 decisions in the staff API (shared/services/evaluation-decisions.ts), the same routes on AWS and in the
 * embedded runtime:
 *
 *   GET  /api/evaluation/decisions?quarter=YYYYQn            the quarter's decisions the caller may see
 *   POST /api/evaluation/decisions/evaluate {quarter}        agency: evaluate the quarter (new and changed decisions, notices)
 *   GET  /api/evaluation/decisions/{id}                      one decision with grounds, objections, notices and history
 *   POST /api/evaluation/decisions/{id}/objections {caseId?, text}                 the unit (or the agency) objects
 *   POST /api/evaluation/decisions/{id}/objections/{oid}/ruling {upheld, reason}   agency: rule; upheld excludes the ground
 *   POST /api/evaluation/decisions/{id}/referral-outcome {text}                    the unit records how it handled its staff member
 *
 * Agency, leaders and the administrator (read only) see every decision; a department liaison sees those on its own unit and its staff. Grounds are
 * case ids (the console links them to the case, whose own read is audited there). Logged: who, which decision, never
 * a respondent's name.
 */
import type { Context, Hono } from 'hono';
import { ForbiddenError, ValidationError } from '../../../shared/domain/errors';
import { isQuarter, lastCompletedQuarter } from '../../../shared/domain/evaluation';
import { authenticate } from '../../../shared/auth/principal';
import type { StaffPrincipal, StaffTokenVerifier } from '../../../shared/ports/staff-auth';
import type { DecisionDeps } from '../../../shared/services/evaluation-decisions';

/** The use cases, a chunk loaded on the first decision request (the API's bundle at init stays as it was). */
const useCases = () => import('../../../shared/services/evaluation-decisions');

export interface DecisionRouteDeps extends DecisionDeps {
  verifier: StaffTokenVerifier;
}

const READERS = ['agency', 'leader', 'department', 'admin'] as const;

async function principalOf(c: Context, deps: DecisionRouteDeps): Promise<StaffPrincipal> {
  const p = await authenticate(deps.verifier, c.req.header('authorization'));
  if (p.jurisdiction && p.jurisdiction !== deps.jurisdiction.code) throw new ForbiddenError('该账户不属于本辖区。');
  if (!(READERS as readonly string[]).includes(p.role)) throw new ForbiddenError('只有政务服务管理机构、主管领导、系统管理员和被投诉单位可以查看考评决定。');
  return p;
}

const invalid = (field: string, code: string, message: string) => new ValidationError([{ field, code, message }], message);

function quarterOf(raw: unknown, now: Date): string {
  if (raw === undefined || raw === null || raw === '') return lastCompletedQuarter(now);
  const q = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  if (!isQuarter(q)) throw invalid('quarter', 'invalid_quarter', '季度无效，应为 YYYYQn 格式，例如 2024Q1。');
  return q;
}

async function body(c: Context): Promise<Record<string, unknown>> {
  try {
    const b = (await c.req.json()) as unknown;
    return typeof b === 'object' && b !== null ? (b as Record<string, unknown>) : {};
  } catch {
    throw invalid('(root)', 'invalid_json', '请求内容不是有效的 JSON。');
  }
}

export function mountDecisionRoutes(app: Hono, deps: DecisionRouteDeps): void {
  app.get('/api/evaluation/decisions', async (c) => {
    const p = await principalOf(c, deps);
    const quarter = quarterOf(c.req.query('quarter'), deps.clock.now());
    const { mayRead } = await useCases();
    const items = (await deps.decisions.quarter(deps.jurisdiction.code, quarter)).filter((d) => mayRead(p.actor, d));
    return c.json({ quarter, items, mayEvaluate: p.role === 'agency' });
  });

  app.post('/api/evaluation/decisions/evaluate', async (c) => {
    const p = await principalOf(c, deps);
    if (p.role !== 'agency') throw new ForbiddenError('只有政务服务管理机构可以作出考评决定。');
    const quarter = quarterOf((await body(c)).quarter, deps.clock.now());
    const run = await (await useCases()).evaluateQuarterDecisions(deps, quarter, p.actor);
    deps.logger?.info('evaluation_decisions_run', { user: p.username, quarter, changed: run.changed, notified: run.notified });
    return c.json({ quarter, changed: run.changed, notified: run.notified, items: run.decisions });
  });

  app.get('/api/evaluation/decisions/:id', async (c) => {
    const p = await principalOf(c, deps);
    return c.json(await (await useCases()).readDecision(deps, p.actor, c.req.param('id')));
  });

  app.post('/api/evaluation/decisions/:id/objections', async (c) => {
    const p = await principalOf(c, deps);
    const d = await (await useCases()).fileObjection(deps, p.actor, c.req.param('id'), await body(c));
    deps.logger?.info('evaluation_objection_filed', { user: p.username, decision: d.id });
    return c.json(d, 201);
  });

  app.post('/api/evaluation/decisions/:id/objections/:objectionId/ruling', async (c) => {
    const p = await principalOf(c, deps);
    const d = await (await useCases()).ruleOnObjection(deps, p.actor, c.req.param('id'), c.req.param('objectionId'), await body(c));
    return c.json(d);
  });

  app.post('/api/evaluation/decisions/:id/referral-outcome', async (c) => {
    const p = await principalOf(c, deps);
    const d = await (await useCases()).recordReferralOutcome(deps, p.actor, c.req.param('id'), await body(c));
    deps.logger?.info('evaluation_referral_outcome', { user: p.username, decision: d.id });
    return c.json(d);
  });
}
