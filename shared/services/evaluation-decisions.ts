/**
 * Art. 20 decisions as a use case (shared/domain/evaluation/decisions.ts): evaluate a quarter (from its report, so
 * from its facts), notify each unit whose decision is new or whose status changed through the mail path every
 * notice takes (the runtime's outbox, SES on AWS), take objections, rule on them (an upheld objection excludes the
 * ground and re-judges the decision), and record the unit's outcome for a referred staff member. Every change is a
 * history entry of the decision; the log carries decision ids and counts only, never a name.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/case';
import { ConcurrentUpdateError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { reconcileDecisions, withNotice, withObjection, withReferralOutcome, withRuling } from '../domain/evaluation/decisions';
import type { DecisionUpdate, EvaluationDecision } from '../domain/evaluation/decisions';
import { decisionNoticeText } from '../domain/evaluation/decision-notices';
import type { Clock, Logger, MailSender } from '../ports';
import type { EvaluationDecisionStore } from '../ports/evaluation-decisions';
import { DecisionConflictError } from '../ports/evaluation-decisions';
import type { EvaluationFactStore } from '../ports/evaluation-facts';
import { buildQuarterReport } from './evaluation';

export interface DecisionDeps {
  facts: EvaluationFactStore;
  decisions: EvaluationDecisionStore;
  rules: RulesRegistry;
  clock: Clock;
  mail: MailSender;
  jurisdiction: JurisdictionConfig;
  logger?: Pick<Logger, 'info' | 'error'>;
  /** Where a notified unit opens the console (the notice names it). */
  consoleUrl?: string;
}

const who = (a: Actor | 'system') => (a === 'system' ? 'system' : `${a.role}:${a.id}`);

export interface EvaluationRun {
  quarter: string;
  decisions: EvaluationDecision[];
  changed: number;
  notified: number;
}

/** Sends the decision's notice to its unit (or records why it could not) and saves that. */
async function notify(deps: DecisionDeps, d: EvaluationDecision, by: string): Promise<EvaluationDecision> {
  const at = deps.clock.now().toISOString();
  const code = d.respondent.department;
  const dept = code ? deps.jurisdiction.departments.find((x) => x.code === code) : undefined;
  let next: EvaluationDecision;
  if (!dept) {
    next = withNotice(d, { at, status: d.status, revision: d.revision, undeliverable: '被投诉单位不在本辖区部门目录中，请线下送达' }, by);
  } else {
    const { subject, text } = decisionNoticeText(d, deps.jurisdiction.agency.name, deps.consoleUrl);
    const { messageId } = await deps.mail.send({
      from: deps.jurisdiction.mail.from,
      to: [dept.chiefRepresentative.email],
      cc: deps.jurisdiction.agency.contacts.map((c) => c.email),
      subject,
      text,
      tags: { kind: 'evaluation_decision' },
    });
    next = withNotice(d, { at, department: dept.code, messageId, status: d.status, revision: d.revision }, by, `${dept.name}首席事务代表`);
  }
  await deps.decisions.save(next);
  return next;
}

/** The unit has not been told of the decision's current status (new, changed, or its notice failed). */
export const needsNotice = (d: EvaluationDecision): boolean => d.notices.at(-1)?.status !== d.status;

async function apply(deps: DecisionDeps, update: DecisionUpdate, by: string): Promise<{ decision: EvaluationDecision; notified: boolean }> {
  await deps.decisions.save(update.decision);
  if (!update.notify) return { decision: update.decision, notified: false };
  return { decision: await notify(deps, update.decision, by), notified: true };
}

/**
 * Evaluates one quarter: the decisions its report calls for, changed ones saved and notified. Run after the
 * quarter ends and again whenever a ground may have changed (a corrected finding, a late overdue mark); a run
 * that finds nothing new writes nothing.
 */
export async function evaluateQuarterDecisions(deps: DecisionDeps, quarter: string, actor: Actor | 'system' = 'system'): Promise<EvaluationRun> {
  const by = who(actor);
  for (let attempt = 1; ; attempt++) {
    const report = await buildQuarterReport(deps, deps.jurisdiction, quarter);
    const existing = await deps.decisions.quarter(deps.jurisdiction.code, quarter);
    const updates = reconcileDecisions({ report, existing, departmentCodes: deps.jurisdiction.departments.map((d) => d.code), at: deps.clock.now().toISOString(), by });
    try {
      let notified = 0;
      for (const u of updates) if ((await apply(deps, u, by)).notified) notified += 1;
      // A notice that failed before (the mail was refused after the decision was saved) is sent now.
      for (const d of await deps.decisions.quarter(deps.jurisdiction.code, quarter)) {
        if (!needsNotice(d)) continue;
        await notify(deps, d, by);
        notified += 1;
      }
      deps.logger?.info('evaluation_decisions', { jurisdiction: deps.jurisdiction.code, quarter, changed: updates.length, notified, ids: updates.map((u) => u.decision.id) });
      return { quarter, decisions: await deps.decisions.quarter(deps.jurisdiction.code, quarter), changed: updates.length, notified };
    } catch (err) {
      // Someone changed a decision meanwhile (an objection ruled): evaluate again on what is stored now.
      if (err instanceof DecisionConflictError && attempt < 3) continue;
      if (err instanceof DecisionConflictError) throw new ConcurrentUpdateError('考评决定刚被他人更新，请刷新后重试。');
      throw err;
    }
  }
}

async function load(deps: DecisionDeps, id: string): Promise<EvaluationDecision> {
  const d = await deps.decisions.get(deps.jurisdiction.code, id);
  if (!d) throw new NotFoundError('未找到该考评决定。');
  return d;
}

/**
 * A department sees the decisions on itself and on its staff; the agency, leaders and the administrator see all (a
 * decision names units, staff respondents and case ids, never a complainant or complaint text). Only the agency
 * decides and rules; the administrator only reads.
 */
export function mayRead(actor: Actor, d: EvaluationDecision): boolean {
  if (actor.role === 'agency' || actor.role === 'leader' || actor.role === 'admin') return true;
  return actor.role === 'department' && actor.department !== undefined && actor.department === d.respondent.department;
}

export async function readDecision(deps: Pick<DecisionDeps, 'decisions' | 'jurisdiction'>, actor: Actor, id: string): Promise<EvaluationDecision> {
  const d = await load(deps as DecisionDeps, id);
  if (!mayRead(actor, d)) throw new NotFoundError('未找到该考评决定。');
  return d;
}

const saveOrConflict = async (deps: DecisionDeps, d: EvaluationDecision) => {
  try {
    await deps.decisions.save(d);
  } catch (err) {
    if (err instanceof DecisionConflictError) throw new ConcurrentUpdateError('考评决定刚被他人更新，请刷新后重试。');
    throw err;
  }
};

const invalid = (field: string, code: string, message: string) => new ValidationError([{ field, code, message }], message);

const requireText = (field: string, value: unknown, label: string, max = 2000): string => {
  const v = typeof value === 'string' ? value.trim() : '';
  if (!v) throw invalid(field, 'required', `请填写${label}`);
  if (v.length > max) throw invalid(field, 'too_long', `${label}不能超过 ${max} 个字`);
  return v;
};

/** The unit (its liaison) or the agency on its behalf disputes a ground or the decision. */
export async function fileObjection(deps: DecisionDeps, actor: Actor, id: string, body: { caseId?: unknown; text?: unknown }): Promise<EvaluationDecision> {
  const d = await readDecision(deps, actor, id);
  if (actor.role !== 'department' && actor.role !== 'agency') throw new ForbiddenError('只有被投诉单位或政务服务管理机构可以提出异议。');
  const text = requireText('text', body.text, '异议理由');
  const caseId = typeof body.caseId === 'string' && body.caseId.trim() ? body.caseId.trim() : undefined;
  if (caseId && !d.grounds.some((g) => g.caseId === caseId)) throw invalid('caseId', 'not_a_ground', '该投诉件不是本决定的依据');
  const next = withObjection(d, { id: randomUUID(), at: deps.clock.now().toISOString(), by: who(actor), ...(caseId ? { caseId } : {}), text });
  await saveOrConflict(deps, next);
  return next;
}

/** The agency rules on an objection; upheld, the disputed ground no longer counts and the decision is re-judged. */
export async function ruleOnObjection(deps: DecisionDeps, actor: Actor, id: string, objectionId: string, body: { upheld?: unknown; reason?: unknown }): Promise<EvaluationDecision> {
  if (actor.role !== 'agency') throw new ForbiddenError('只有政务服务管理机构可以复核异议。');
  const d = await load(deps, id);
  const objection = d.objections.find((o) => o.id === objectionId);
  if (!objection) throw new NotFoundError('未找到该异议。');
  if (objection.ruling) throw invalid('objection', 'already_ruled', '该异议已复核');
  if (typeof body.upheld !== 'boolean') throw invalid('upheld', 'required', '请选择异议是否成立');
  const reason = requireText('reason', body.reason, '复核意见');
  const update = withRuling(d, objectionId, { at: deps.clock.now().toISOString(), by: who(actor), upheld: body.upheld, reason });
  try {
    const { decision } = await apply(deps, update, who(actor));
    deps.logger?.info('evaluation_objection_ruled', { decision: id, upheld: body.upheld, status: decision.status });
    return decision;
  } catch (err) {
    if (err instanceof DecisionConflictError) throw new ConcurrentUpdateError('考评决定刚被他人更新，请刷新后重试。');
    throw err;
  }
}

/** The unit records how it handled a referred staff member (art. 20, last sentence). */
export async function recordReferralOutcome(deps: DecisionDeps, actor: Actor, id: string, body: { text?: unknown }): Promise<EvaluationDecision> {
  const d = await readDecision(deps, actor, id);
  if (d.respondent.kind !== 'person') throw invalid('decision', 'not_a_person', '只有被投诉人是工作人员的决定需要登记所在单位处理结果');
  if (actor.role !== 'department' && actor.role !== 'agency') throw new ForbiddenError('只有所在单位或政务服务管理机构可以登记处理结果。');
  const next = withReferralOutcome(d, { at: deps.clock.now().toISOString(), by: who(actor), text: requireText('text', body.text, '处理结果') });
  await saveOrConflict(deps, next);
  return next;
}
