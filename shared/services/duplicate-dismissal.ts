/**
 * "不是重复" and its undo (issue 22) on both cases of a flagged pair. Who may: whoever may merge the case (the same
 * roles, and read access to both cases). Written like a merge without transactions: this case first, then the other,
 * each step skipped when already done, so a retry completes a half-written dismissal. Audited on both cases.
 */
import type { Actor, CaseRecord } from '../domain/case';
import { canAct, canRead, readDenial } from '../domain/access';
import { dismissPair, restorePair } from '../domain/duplicates/index';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../domain/errors';
import type { CaseStore } from '../ports/index';
import { mutateCase } from './case-mutation';

export interface DismissalDeps {
  store: CaseStore;
  clock: { now(): Date };
}

export async function decidePair(deps: DismissalDeps, caseId: string, otherId: string, actor: Actor, what: 'dismiss' | 'restore', note?: string): Promise<{ record: CaseRecord; other: CaseRecord }> {
  const record = await deps.store.get(caseId);
  if (!record) throw new NotFoundError('未找到该投诉件。');
  const denied = readDenial(actor, record);
  if (denied) throw denied;
  if (!canAct(actor, record, 'merge')) throw new ForbiddenError('您的角色无权认定该投诉件是否重复。');
  const other = otherId === caseId ? undefined : await deps.store.get(otherId);
  if (!other || !canRead(actor, other)) throw new NotFoundError(`未找到投诉件 ${otherId}，或您无权查看。`);
  const known = [...(record.duplicateSuspects ?? []), ...(record.dismissedDuplicates ?? [])].some((s) => s.caseId === otherId);
  if (!known) throw new RuleViolationError('not_a_flagged_pair', `投诉件 ${other.trackingNo} 不在本件的“可能重复”名单中。`);
  const at = deps.clock.now().toISOString();
  const finding = (record.duplicateSuspects ?? []).find((s) => s.caseId === otherId);
  const mine = { caseId: record.caseId, trackingNo: record.trackingNo, ...(finding ? { finding } : {}) };
  const changed = new Set<string>();
  const change = (r: CaseRecord, o: { caseId: string; trackingNo: string; finding?: typeof finding }) => {
    const c = what === 'dismiss' ? dismissPair(r, o, actor, at, note) : restorePair(r, o, actor, at);
    if (c) changed.add(r.caseId);
    return c ? { record: c.record, events: [c.event] } : null;
  };
  const stored = await mutateCase(deps.store, caseId, (r) => change(r, { caseId: other.caseId, trackingNo: other.trackingNo }));
  const storedOther = await mutateCase(deps.store, otherId, (r) => change(r, mine));
  // Audited where it changed something: a repeated click (or a retry after a crash) is not a second decision.
  const audit = what === 'dismiss' ? 'action:dismiss-duplicate' : 'action:restore-duplicate';
  if (changed.has(caseId)) await deps.store.audit({ caseId, at, actor, what: audit, detail: { otherCase: otherId, ...(note ? { note } : {}) } });
  if (changed.has(otherId)) await deps.store.audit({ caseId: otherId, at, actor, what: audit, detail: { otherCase: caseId } });
  return { record: stored, other: storedOther };
}
