/**
 * The staff action service (INTERFACES.md `POST /api/cases/{caseId}/actions`): checks the caller and the
 * phase (403 / 409), validates the body (400, Chinese field messages), applies the domain transition with
 * the optimistic lock, audits it, sends the notices, then signals the waiting workflow task.
 */
import type { Actor, CaseRecord } from '../domain/case';
import { FINAL_PHASES } from '../domain/case';
import type { WorkingCalendar } from '../domain/calendar';
import { ForbiddenError, NotFoundError, RuleViolationError, errorName } from '../domain/errors';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { assertHandOver, viewFor } from '../domain/access';
import { actionNameOf, applyAction, applyMergeAction, assertMayAct } from '../domain/lifecycle';
import type { ActionName, LifecycleContext, Notice } from '../domain/lifecycle';
import type { CaseStore, Clock, MailSender, StaffDirectory, Workflow, Logger } from '../ports';
import { mutateCase } from './case-mutation';
import { sendNotices } from './notify';
import { recordMailDeliveries } from './contact-delivery';
import type { SendNoticesOptions } from './notify';

export type ActionLogger = Logger;

/** Staff roles that take actions at all (the leader reads escalated cases, the administrator configures). */
const MAY_TAKE_ACTIONS: readonly Actor['role'][] = ['agency', 'department', 'system'];

export interface ActionDeps {
  store: CaseStore;
  workflow: Workflow;
  mail: MailSender;
  clock: Clock;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  /** The deployment's jurisdiction, or a look-up when one host serves several. */
  jurisdiction: JurisdictionConfig | ((code: string) => JurisdictionConfig);
  logger?: ActionLogger;
  /** Mail retry settings (tests set backoffMs 0). */
  mailRetry?: Pick<SendNoticesOptions, 'attempts' | 'backoffMs'>;
  /**
   * Staff accounts, to check a named hand-over (art. 21: a colleague of the same unit, not the respondent person).
   * Without it a hand-over name is recorded as given.
   */
  staff?: StaffDirectory;
}

function jurisdictionOf(deps: ActionDeps, code: string): JurisdictionConfig {
  return typeof deps.jurisdiction === 'function' ? deps.jurisdiction(code) : deps.jurisdiction;
}

export function contextFor(deps: ActionDeps, c: CaseRecord): LifecycleContext {
  return { now: deps.clock.now(), calendar: deps.calendar.forDeadlines(), rules: deps.rules.byId(c.rulesVersion), jurisdiction: jurisdictionOf(deps, c.jurisdiction) };
}

async function load(store: CaseStore, caseId: string): Promise<CaseRecord> {
  const c = await store.get(caseId);
  if (!c) throw new NotFoundError(`未找到投诉件 ${caseId}。`);
  return c;
}

/**
 * Performs a staff action on a case and returns the case as the actor may see it.
 * Errors: NotFoundError 404, ForbiddenError 403, PhaseConflictError 409, ValidationError 400,
 * RuleViolationError 422 (e.g. an extension beyond the limit), ConcurrentUpdateError 409 after retries.
 */
export async function performAction(deps: ActionDeps, caseId: string, actor: Actor, body: unknown): Promise<CaseRecord> {
  try {
    return await performCheckedAction(deps, caseId, actor, body);
  } catch (err) {
    if (err instanceof ForbiddenError) await auditDenied(deps, caseId, actor, body, err.code);
    throw err;
  }
}

/**
 * A refused action is audited like a refused read (art. 21: who tried to do what to which case), on the case it
 * was taken on, when that case exists (an unknown id is a 404 and writes nothing).
 */
async function auditDenied(deps: ActionDeps, caseId: string, actor: Actor, body: unknown, code: string): Promise<void> {
  if (!(await deps.store.get(caseId))) return;
  let name: string | undefined;
  try {
    name = actionNameOf(body);
  } catch {
    name = undefined;
  }
  await deps.store.audit({ caseId, at: deps.clock.now().toISOString(), actor, what: name ? `action:${name}_denied` : 'action_denied', ...(code !== 'forbidden' ? { detail: { code } } : {}) });
}

async function performCheckedAction(deps: ActionDeps, caseId: string, actor: Actor, body: unknown): Promise<CaseRecord> {
  if (!MAY_TAKE_ACTIONS.includes(actor.role)) throw new ForbiddenError('您的角色不能办理投诉件。');
  const action = actionNameOf(body);
  if (action === 'merge' || action === 'unmerge') return performMerge(deps, caseId, actor, body, action);

  if (action === 'recuse') await checkHandOver(deps, caseId, actor, body);

  let before: CaseRecord | undefined;
  let notices: Notice[] = [];
  let auditDetail: Record<string, unknown> | undefined;
  const stored = await mutateCase(deps.store, caseId, (current) => {
    before = current;
    const t = applyAction(current, body, actor, contextFor(deps, current));
    notices = t.notices;
    auditDetail = t.audit;
    return { record: t.record, events: t.events };
  });
  await afterWrite(deps, before!, stored, actor, action, notices, auditDetail);
  return viewFor(actor, stored);
}

/** A recusal naming who takes over: the colleague's account is checked before anything is written (art. 21). */
async function checkHandOver(deps: ActionDeps, caseId: string, actor: Actor, body: unknown): Promise<void> {
  const raw = (body as { handOverTo?: unknown }).handOverTo;
  if (!deps.staff || typeof raw !== 'string' || raw.trim().length === 0 || raw.length > 128) return;
  const c = await load(deps.store, caseId);
  // The caller's own rights first: nobody probes the staff directory through a case they have no part in.
  assertMayAct(actor, c, 'recuse');
  const username = raw.trim();
  if (username === actor.id) return; // the transition answers "not yourself"
  assertHandOver(actor, c, username, await deps.staff.lookup(username));
}

async function performMerge(deps: ActionDeps, caseId: string, actor: Actor, body: unknown, action: 'merge' | 'unmerge'): Promise<CaseRecord> {
  const source = await load(deps.store, caseId);
  let targetId: string;
  if (action === 'merge') {
    const into = (body as { into?: unknown }).into;
    targetId = typeof into === 'string' ? await rootOf(deps.store, into) : '';
  } else {
    targetId = source.mergedInto ?? '';
  }
  // Validate (actor, phase, body) before touching the target; a missing target is reported after that.
  const probeTarget = targetId ? await deps.store.get(targetId) : undefined;
  if (!probeTarget) {
    applyMergeAction(source, body, actor, contextFor(deps, source), source); // throws 403/409/400 first when due
    throw new NotFoundError(`未找到要合并到的投诉件 ${targetId || '（未指定）'}。`);
  }
  const plan = (src: CaseRecord, tgt: CaseRecord) => applyMergeAction(src, body, actor, contextFor(deps, src), tgt);
  plan(source, probeTarget);

  // No transactions (dynalite): the target first, then the source, each skipped when already done, so a retry
  // completes a half-written merge. The source's side depends only on the target as it was before this action.
  const originalTarget = probeTarget;
  await mutateCase(deps.store, targetId, async (tgt) => {
    const active = (tgt.merges ?? []).some((m) => m.caseId === caseId && !m.unmergedAt);
    if (action === 'merge' ? active : !active) return null;
    const t = plan(await load(deps.store, caseId), tgt).target;
    return { record: t.record, events: t.events };
  });
  let before: CaseRecord | undefined;
  let notices: Notice[] = [];
  const stored = await mutateCase(deps.store, caseId, (src) => {
    before = src;
    const t = plan(src, originalTarget).source;
    notices = t.notices;
    return { record: t.record, events: t.events };
  });
  // The merged case's complainant is told (合并办理告知 / 撤销合并告知); audited as the action.
  await afterWrite(deps, before!, stored, actor, action, notices, { otherCase: targetId });
  return viewFor(actor, stored);
}

async function rootOf(store: CaseStore, id: string): Promise<string> {
  let current = id;
  for (let depth = 0; depth < 20; depth += 1) {
    const c = await store.get(current);
    if (!c || c.phase !== 'merged' || !c.mergedInto) return current;
    current = c.mergedInto;
  }
  throw new RuleViolationError('merge_chain_cycle', `投诉件 ${id} 的合并链过长或成环，无法确定合并目标。`);
}

async function afterWrite(deps: ActionDeps, before: CaseRecord, stored: CaseRecord, actor: Actor, action: ActionName, notices: Notice[], auditDetail?: Record<string, unknown>): Promise<void> {
  const now = deps.clock.now().toISOString();
  // A re-route (issue 15): audited as such, with the departments, so it can be counted from the audit trail too.
  const reroutes = stored.routing?.reroutes ?? [];
  const rerouted = reroutes.length > (before.routing?.reroutes?.length ?? 0) ? reroutes[reroutes.length - 1] : undefined;
  await deps.store.audit({
    caseId: stored.caseId,
    at: now,
    actor,
    what: rerouted ? 'action:reroute' : `action:${action}`,
    detail: { from: before.phase, to: stored.phase, ...auditDetail, ...(rerouted ? { fromDepartment: rerouted.from ?? null, toDepartment: rerouted.to, reroutes: reroutes.length } : {}) },
  });

  const j = jurisdictionOf(deps, stored.jurisdiction);
  const delivery = await sendNotices(deps.mail, notices, j.mail.from, {
    ...deps.mailRetry,
    logger: deps.logger,
    recordFailure: (f) =>
      deps.store.audit({
        caseId: stored.caseId,
        at: deps.clock.now().toISOString(),
        actor: { role: 'system', id: 'notify' },
        what: 'notice_failed',
        // The whole notice, so staff can re-send it; the audit trail is access-controlled, unlike logs.
        detail: { kind: f.notice.kind, error: f.error, attempts: f.attempts, notice: f.notice },
      }),
  });

  // A sent result mail completes the reply and may move the case on: the workflow routes on the phase after it.
  const phase = (await recordMailDeliveries(deps.store, stored.caseId, deps.clock.now().toISOString(), delivery))?.phase ?? stored.phase;

  const token = before.waiting?.taskToken;
  if (token) {
    try {
      await deps.workflow.sendTaskSuccess(token, { phase, action });
    } catch (err) {
      // A stale token (the task timed out or was completed): the next await task sees the new phase at once.
      deps.logger?.warn('task token not accepted', { caseId: stored.caseId, action, error: errorName(err) });
    }
  }
  // A case leaving a final phase (unmerge) has no running execution: start one where it stands now.
  if (FINAL_PHASES.includes(before.phase) && !FINAL_PHASES.includes(stored.phase)) {
    await deps.workflow.start(stored.caseId, { caseId: stored.caseId, resumeFrom: stored.phase }, `${stored.caseId}-r${stored.version}`);
  }
}
