import { SYSTEM_ACTOR, CaseRecord, type Actor } from '../../shared/domain/case';
import { applyMerge, applyUnmerge, mergeRootId, mergedNotice } from '../../shared/domain/duplicates/index';
import { PhaseConflictError, RuleViolationError } from '../../shared/domain/errors';
import { intakeOf, recordOf } from '../fixtures/duplicates/records';

const staff: Actor = { role: 'agency', id: 'clerk-1' };
const AT = '2025-03-12T10:00:00+08:00';
const photo = { filename: '照片.jpg', contentType: 'image/jpeg', size: 10, sha256: 'b'.repeat(64), ref: 'blob/b' };

const target = () =>
  recordOf(
    'T-1',
    intakeOf({
      channel: 'email',
      sourceKey: 'mail-1',
      matter: '不动产登记中心要求清单外材料',
      complainant: { name: '王芳', email: 'w@qq.com', anonymous: false, wantsReply: true, confidential: false },
    }),
    { phase: 'handling' },
  );
const source = (id = 'S-1', over: Partial<CaseRecord> = {}) =>
  recordOf(
    id,
    intakeOf({
      channel: 'phone',
      sourceKey: `phone-${id}`,
      matter: '来电反映不动产中心让补材料',
      evidence: [photo],
      complainant: { name: '王女士', phone: '13812345678', anonymous: false, wantsReply: true, confidential: true },
    }),
    { phase: 'acceptance', ...over },
  );

describe('applyMerge', () => {
  it('keeps every channel, source, contact and piece of evidence on the target and closes the source as merged', () => {
    const { target: t, source: s, targetEvents, sourceEvents } = applyMerge(target(), source(), staff, AT);
    expect(t.sources.map((x) => [x.channel, x.sourceKey, x.fromCaseId])).toEqual([
      ['email', 'mail-1', undefined],
      ['phone', 'phone-S-1', 'S-1'],
    ]);
    expect(t.mergedFrom).toEqual(['S-1']);
    expect(t.merges?.[0]).toMatchObject({ caseId: 'S-1', previousPhase: 'acceptance', evidence: [photo], by: staff });
    expect(t.merges?.[0]?.complainants[0]?.phone).toBe('13812345678');
    expect(t.flags.confidential).toBe(true); // the stricter flag wins
    expect(t.phase).toBe('handling');
    expect(s).toMatchObject({ phase: 'merged', mergedInto: 'T-1', outcome: { kind: 'merged', into: 'T-1', at: AT } });
    // Nothing is deleted: the source keeps its own intake and evidence.
    expect(s.intake.evidence).toEqual([photo]);
    expect(() => CaseRecord.parse(t)).not.toThrow();
    expect(() => CaseRecord.parse(s)).not.toThrow();
    expect(targetEvents).toEqual([expect.objectContaining({ type: 'merged_in', actor: staff, phase: 'handling' })]);
    expect(sourceEvents).toEqual([expect.objectContaining({ type: 'merged_into', phase: 'merged' })]);
    expect(sourceEvents[0]!.summary).not.toContain('13812345678');
  });

  it('refuses to merge a case into itself, into a merged or closed case, or a source that is already merged', () => {
    expect(() => applyMerge(target(), target(), staff, AT)).toThrow(RuleViolationError);
    const merged = applyMerge(target(), source(), staff, AT);
    expect(() => applyMerge(merged.source, source('S-2'), staff, AT)).toThrow(/合并链的根案件/);
    expect(() => applyMerge(target(), merged.source, staff, AT)).toThrow(PhaseConflictError);
    const archived = { ...target(), phase: 'archived' as const };
    expect(() => applyMerge(archived, source(), staff, AT)).toThrow(PhaseConflictError);
  });
});

describe('merge of an already-merged case', () => {
  it('follows the chain to its root, and the root then carries the contacts of the whole chain', () => {
    // S-1 joined T-1; then T-1 itself joined R-1. A new case C-1 that staff merge "into S-1" goes to R-1.
    const first = applyMerge(target(), source('S-1'), staff, AT);
    const root = recordOf('R-1', intakeOf({ matter: '同一事项的最早投诉' }), { phase: 'classification' });
    const second = applyMerge(root, first.target, staff, AT);
    const records = new Map([first.source, second.source, second.target].map((r) => [r.caseId, r]));
    expect(mergeRootId('S-1', (id) => records.get(id))).toBe('R-1');
    expect(mergeRootId('T-1', (id) => records.get(id))).toBe('R-1');

    const third = applyMerge(records.get(mergeRootId('S-1', (id) => records.get(id)))!, source('C-1'), staff, AT);
    expect(third.source.mergedInto).toBe('R-1');
    expect(third.target.sources.map((s) => s.sourceKey)).toEqual([root.intake.sourceKey, 'mail-1', 'phone-S-1', 'phone-C-1']);
    // T-1 brought S-1's complainant along.
    expect(second.target.merges?.[0]?.complainants.map((c) => c.name)).toEqual(['王芳', '王女士']);
  });

  it('detects a broken or circular chain instead of looping', () => {
    const a = { ...source('A'), phase: 'merged' as const, mergedInto: 'B' };
    const b = { ...source('B'), phase: 'merged' as const, mergedInto: 'A' };
    const records = new Map([a, b].map((r) => [r.caseId, r]));
    expect(() => mergeRootId('A', (id) => records.get(id))).toThrow(RuleViolationError);
    expect(() => mergeRootId('X', (id) => records.get(id))).toThrow(/不存在/);
  });
});

describe('applyUnmerge', () => {
  it('restores the source to its phase, removes its sources from the target and records it in both timelines', () => {
    const merged = applyMerge(target(), source(), staff, AT);
    const later = '2025-03-13T09:00:00+08:00';
    const { target: t, source: s, targetEvents, sourceEvents } = applyUnmerge(merged.target, merged.source, staff, later);
    expect(s.phase).toBe('acceptance');
    expect(s.mergedInto).toBeUndefined();
    expect(s.outcome).toBeUndefined();
    expect(t.sources.map((x) => x.sourceKey)).toEqual(['mail-1']);
    expect(t.mergedFrom).toEqual([]);
    // The history stays: nothing is deleted.
    expect(t.merges).toEqual([expect.objectContaining({ caseId: 'S-1', unmergedAt: later, unmergedBy: staff })]);
    expect(targetEvents[0]).toMatchObject({ type: 'unmerged_out', at: later });
    expect(sourceEvents[0]).toMatchObject({ type: 'unmerged', phase: 'acceptance' });
    expect(() => CaseRecord.parse(s)).not.toThrow();
  });

  it('restores an earlier outcome and refuses an unmerge that does not match', () => {
    const notAccepted = source('S-9', { phase: 'screening', outcome: { kind: 'not_accepted', reason: 'art8-2', at: AT } });
    const merged = applyMerge(target(), notAccepted, SYSTEM_ACTOR, AT);
    expect(applyUnmerge(merged.target, merged.source, staff, AT).source.outcome).toEqual({ kind: 'not_accepted', reason: 'art8-2', at: AT });
    expect(() => applyUnmerge(merged.target, source('S-2'), staff, AT)).toThrow(PhaseConflictError);
    const undone = applyUnmerge(merged.target, merged.source, staff, AT);
    expect(() => applyUnmerge(undone.target, merged.source, staff, AT)).toThrow(RuleViolationError);
  });
});

describe('mergedNotice', () => {
  it('names both tracking numbers and art. 11, and promises nothing about the outcome (art. 12)', () => {
    const n = mergedNotice({ trackingNo: '510903-20250312-0007', intoTrackingNo: '510903-20250305-0002', jurisdictionName: '遂宁市船山区政务服务管理局' });
    expect(n.subject).toContain('510903-20250312-0007');
    expect(n.text).toContain('510903-20250305-0002');
    expect(n.text).toContain('第十一条');
    expect(n.text).toMatch(/遂宁市船山区政务服务管理局$/);
    expect(n.text).not.toMatch(/保证|一定|承诺|必将|确保|肯定/);
  });
});
