/**
 * Issue 22, the flag band ("可能重复") as staff meet it: the pair's finding leaves both cases when staff merge it
 * (and does not come back with an unmerge), and the merged case's complainant is told on every channel they can
 * be reached on (合并办理告知, then 撤销合并告知).
 */
import type { CaseRecord, DuplicateSuspect } from '../../shared/domain/case';
import { applyMerge, applyUnmerge, dismissPair, isDismissedPair, restorePair } from '../../shared/domain/duplicates';
import { allowedActions, applyMergeAction } from '../../shared/domain/lifecycle';
import { reportText } from '../../infra/local/folder-watch';
import { AGENCY, EMAIL, ctxAt, newCase } from '../fixtures/lifecycle';

const AT = '2025-03-04T10:00:00+08:00';

function pair(o: { email?: boolean } = {}): { earlier: CaseRecord; later: CaseRecord } {
  const earlier = newCase();
  const later = newCase(o);
  const suspect = (c: CaseRecord, direction: DuplicateSuspect['direction']): DuplicateSuspect => ({
    caseId: c.caseId,
    trackingNo: c.trackingNo,
    direction,
    score: 0.61,
    reasons: ['投诉人联系电话一致', '被投诉单位相同'],
    at: AT,
  });
  return {
    earlier: { ...earlier, phase: 'dispatch', duplicateSuspects: [suspect(later, 'by')] },
    later: {
      ...later,
      phase: 'dispatch',
      flags: { ...later.flags, possibleDuplicateOf: [earlier.caseId] },
      duplicateSuspects: [suspect(earlier, 'of'), { ...suspect(earlier, 'of'), caseId: 'OTHER', trackingNo: 'OTHER' }],
    },
  };
}

describe('可能重复: merge and unmerge of a flagged pair', () => {
  it('a merge takes the finding off both cases (the timeline keeps it); an unmerge does not put it back', () => {
    const { earlier, later } = pair();
    const m = applyMerge(earlier, later, AGENCY, AT);
    expect(m.target.duplicateSuspects).toBeUndefined();
    expect(m.source.duplicateSuspects?.map((s) => s.caseId)).toEqual(['OTHER']);
    expect(m.source.flags.possibleDuplicateOf).toBeUndefined();
    expect('duplicateSuspects' in m.target).toBe(false);
    const u = applyUnmerge(m.target, m.source, AGENCY, '2025-03-05T10:00:00+08:00');
    expect(u.source.phase).toBe('dispatch');
    expect(u.source.flags.possibleDuplicateOf).toBeUndefined();
    expect(u.target.duplicateSuspects).toBeUndefined();
  });

  it('the merged case’s complainant gets 合并办理告知 by mail and as a call task; the unmerge sends 撤销合并告知', () => {
    const { earlier, later } = pair();
    const m = applyMergeAction(later, { action: 'merge', into: earlier.caseId }, AGENCY, ctxAt(AT), earlier);
    expect(m.source.record.phase).toBe('merged');
    const mail = m.source.notices.find((n) => n.kind === 'merged');
    expect(mail?.to).toEqual([EMAIL]);
    expect(mail?.subject).toBe(`投诉合并办理告知（受理编号 ${later.trackingNo}）`);
    expect(mail?.text).toContain(`已并入受理编号为 ${earlier.trackingNo} 的投诉件合并办理`);
    expect(mail?.text).toContain('第十一条');
    const kinds = (m.source.record.contacts ?? []).map((c) => `${c.kind}/${c.channel}`);
    expect(kinds).toEqual(['merged/email', 'merged/phone', 'merged/letter']);
    expect(m.source.events.map((e) => e.type)).toEqual(['merged_into', 'contact_task_created', 'contact_task_created']);
    // Nothing is told to the target's complainant: their case goes on as before.
    expect(m.target.notices).toEqual([]);

    const u = applyMergeAction(m.source.record, { action: 'unmerge' }, AGENCY, ctxAt('2025-03-05T10:00:00+08:00'), m.target.record);
    expect(u.source.record.phase).toBe('dispatch');
    expect(u.source.notices.map((n) => n.kind)).toEqual(['unmerged']);
    expect(u.source.notices[0]!.text).toContain('已撤销合并，您的投诉恢复单独办理');
  });

  it('a complainant without mail is told by phone and letter only; the call can be recorded on the merged case', () => {
    const { earlier, later } = pair({ email: false });
    const m = applyMergeAction(later, { action: 'merge', into: earlier.caseId }, AGENCY, ctxAt(AT), earlier);
    expect(m.source.notices).toEqual([]);
    expect((m.source.record.contacts ?? []).map((c) => c.channel)).toEqual(['phone', 'letter']);
    expect(m.source.record.contacts![0]!.text).toContain('合并办理');
    expect(allowedActions(m.source.record)).toEqual(expect.arrayContaining(['unmerge', 'record-contact']));
  });
});

describe('可能重复 in the folder intake receipt (staff channel)', () => {
  it('names the candidate cases on the row', () => {
    const text = reportText({ kind: 'letters', item: 'batch-1', processedAt: AT, ok: true, rows: [{ row: 2, ok: true, caseId: 'C-2', possibleDuplicateOf: ['C-1'] }] });
    expect(text).toContain('第 2 行：已立案 C-2（可能重复：可能与 C-1 为同一投诉事项，请在工作台核对）');
  });
});

describe('不是重复: dismissing a flagged pair', () => {
  it('takes the finding off the queue, keeps it as dismissed, refuses a second dismissal, and the undo restores it', () => {
    const { earlier, later } = pair();
    const d = dismissPair(later, { caseId: earlier.caseId, trackingNo: earlier.trackingNo }, AGENCY, AT, '两件事');
    expect(d).not.toBeNull();
    expect(d!.record.flags.possibleDuplicateOf).toBeUndefined();
    expect(d!.record.duplicateSuspects?.map((s) => s.caseId)).toEqual(['OTHER']);
    expect(d!.record.dismissedDuplicates).toEqual([
      expect.objectContaining({ caseId: earlier.caseId, direction: 'of', reasons: ['投诉人联系电话一致', '被投诉单位相同'], dismissedBy: AGENCY, note: '两件事' }),
    ]);
    expect(d!.event.type).toBe('duplicate_dismissed');
    expect(isDismissedPair(d!.record, earlier.caseId)).toBe(true);
    expect(dismissPair(d!.record, { caseId: earlier.caseId, trackingNo: earlier.trackingNo }, AGENCY, AT)).toBeNull();

    const u = restorePair(d!.record, { caseId: earlier.caseId, trackingNo: earlier.trackingNo }, AGENCY, '2025-03-05T10:00:00+08:00');
    expect(u!.record.flags.possibleDuplicateOf).toEqual([earlier.caseId]);
    expect(u!.record.duplicateSuspects?.map((s) => s.caseId)).toEqual(['OTHER', earlier.caseId]);
    expect(isDismissedPair(u!.record, earlier.caseId)).toBe(false);
    // The history stays: the dismissal is marked undone, not deleted.
    expect(u!.record.dismissedDuplicates?.[0]?.restoredAt).toBeDefined();
    expect(restorePair(u!.record, { caseId: earlier.caseId, trackingNo: earlier.trackingNo }, AGENCY, AT)).toBeNull();
  });

  it('a case without the back-reference still records the dismissal, so neither side flags the pair again', () => {
    const { earlier, later } = pair();
    const bare = { ...earlier, duplicateSuspects: undefined };
    const finding = later.duplicateSuspects![0]!;
    const d = dismissPair(bare, { caseId: later.caseId, trackingNo: later.trackingNo, finding }, AGENCY, AT);
    expect(isDismissedPair(d!.record, later.caseId)).toBe(true);
    expect(d!.record.dismissedDuplicates?.[0]?.direction).toBe('by');
    // Its undo has no reasons of its own to list again.
    expect(restorePair(d!.record, { caseId: later.caseId, trackingNo: later.trackingNo }, AGENCY, AT)!.record.duplicateSuspects).toBeUndefined();
  });
});
