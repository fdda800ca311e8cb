/**
 * Art. 13 (content marked as a state secret, trade secret or private after intake) and art. 21 (recusal of agency
 * staff; a handler named as the respondent person is kept off the case): the domain rules.
 */
import type { Actor, CaseRecord } from '../../shared/domain/case';
import { ForbiddenError, PhaseConflictError, RuleViolationError, ValidationError } from '../../shared/domain/errors';
import { assertHandOver, canAct, canRead, isNamedRespondent, readDenial, respondentPersonNames, timelineFor, viewFor } from '../../shared/domain/access';
import { applyAction, onWaitTimeout } from '../../shared/domain/lifecycle';
import { assignmentSlipPage } from '../../shared/domain/notices';
import { deriveFacts } from '../../shared/domain/evaluation/facts';
import { matterTopic } from '../../shared/domain/evaluation/topics';
import type { TimelineEvent } from '../../shared/domain/case';
import { withholdMarked } from '../../shared/domain/secrecy';
import { AGENCY, DEPT, DEPT2, LEADER, Walk, caseIn, ctxAt, newCase } from '../fixtures/lifecycle';

const SECRET = '年度供货价格每吨3150元';
const AGENCY2: Actor = { role: 'agency', id: 'agency-zhao' };

/** Timeline events as the store would number them. */
function numbered(w: Walk): TimelineEvent[] {
  return w.events.map((e, i) => ({ ...e, caseId: w.c.caseId, seq: i + 1 }));
}

function handlingWithSecret(): Walk {
  const w = new Walk({ ...newCase(), intake: { ...newCase().intake, facts: `我公司与对方的${SECRET}，被窗口人员当众念出。` } }).screen();
  w.act(AGENCY, { action: 'dispatch', department: 'SCJGJ', note: `请核实：${SECRET}是否被泄露。` }, '2025-03-03T15:00:00+08:00');
  w.act(DEPT, { action: 'accept' }, '2025-03-04T10:00:00+08:00');
  w.act(DEPT, { action: 'classify', kind: 'transfer' }, '2025-03-04T11:00:00+08:00');
  return w;
}

describe('secrecy marks (art. 13)', () => {
  it('withholds a marked passage from the department, the leader and the slip, everywhere it occurs; the agency sees it', () => {
    const w = handlingWithSecret();
    const t = applyAction(w.c, { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: SECRET, reason: '投诉企业的供货价格' }, AGENCY, ctxAt('2025-03-04T14:00:00+08:00'));
    w.take(t);
    const c = w.c;
    expect(c.secrecyMarks).toEqual([expect.objectContaining({ id: 'M1', category: 'trade_secret', scope: 'passages', passages: [SECRET], reason: '投诉企业的供货价格' })]);

    const dept = JSON.stringify(viewFor(DEPT, c));
    expect(dept).not.toContain(SECRET);
    expect(dept).toContain('［涉及商业秘密，已隐去（第十三条）］');
    expect(dept).not.toContain('投诉企业的供货价格'); // the reason is the agency's
    expect(JSON.stringify(viewFor(LEADER, c))).not.toContain(SECRET);
    expect(viewFor(AGENCY, c).intake.facts).toContain(SECRET);

    const slip = assignmentSlipPage(c, ctxAt('2025-03-04T14:00:00+08:00'), c.assignments[0]!);
    expect(slip).not.toContain(SECRET);
    expect(slip).toContain('保密提示');

    // The dispatch note sat in the timeline: the department's timeline withholds it, the agency's keeps it.
    const events = numbered(w);
    expect(JSON.stringify(events)).toContain(SECRET);
    expect(JSON.stringify(timelineFor(DEPT, c, events))).not.toContain(SECRET);
    expect(JSON.stringify(timelineFor(AGENCY, c, events))).toContain(SECRET);
    // The mark's own event names neither the passage nor the reason; the reason goes to the audit entry.
    const marked = t.events.find((e) => e.type === 'secrecy_marked')!;
    expect(JSON.stringify(marked)).not.toContain(SECRET);
    expect(JSON.stringify(marked)).not.toContain('供货价格');
    expect(t.audit).toEqual(expect.objectContaining({ markId: 'M1', category: 'trade_secret', reason: '投诉企业的供货价格', passages: 1 }));
    expect(JSON.stringify(t.audit)).not.toContain(SECRET);
  });

  it('keeps marked content out of every later notice, to officials and to the complainant', () => {
    const w = handlingWithSecret();
    // The slip went out before the mark (the timeline says mail already sent is not recalled).
    expect(w.notices.some((n) => n.text.includes(SECRET))).toBe(true);
    w.act(AGENCY, { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: [SECRET], reason: '商业秘密' }, '2025-03-04T14:00:00+08:00');
    expect(w.events.at(-1)?.summary).toContain('此前已发出的文书不受影响');
    w.notices = [];
    // A reminder and the overdue alert (to the department and the agency) quote the case fields.
    const due = w.c.waiting?.dueAt ?? w.c.deadlines.find((d) => d.clock === 'result')!.dueAt;
    w.take(onWaitTimeout(w.c, ctxAt(new Date(Date.parse(due) - 3600_000))));
    w.act(DEPT, { action: 'request-extension', newDueDate: '2025-03-14', reason: `需核对${SECRET}的来源` }, '2025-03-05T10:00:00+08:00');
    const extended = w.c.deadlines.find((d) => d.clock === 'result' && d.metAt === undefined)!.dueAt;
    w.take(onWaitTimeout(w.c, ctxAt(new Date(Date.parse(extended) + 1000))));
    expect(w.notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['reminder', 'extension', 'overdue_alert']));
    const texts = w.notices.map((n) => `${n.subject}\n${n.text}\n${n.html ?? ''}\n${JSON.stringify(n.content ?? {})}`);
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text).not.toContain(SECRET);
    // Officials are told where to ask; the complainant's notices carry no such line.
    const officials = w.notices.filter((n) => n.audience !== 'complainant');
    expect(officials.some((n) => n.text.includes('标注为商业秘密'))).toBe(true);
    for (const n of w.notices.filter((x) => x.audience === 'complainant')) expect(n.text).not.toContain('标注为');
    // The call script and the letter to the complainant too.
    for (const task of w.c.contacts ?? []) if (Date.parse(task.createdAt) > Date.parse('2025-03-04T14:00:00+08:00')) expect(task.text).not.toContain(SECRET);
  });

  it('withholds the whole content (matter, facts, evidence) and keeps it out of the analysis', () => {
    const matter = '办理食品经营许可证时窗口人员索要好处费，并泄露本人病史。';
    const base = newCase({ matter });
    const c0: CaseRecord = { ...base, intake: { ...base.intake, evidence: [{ filename: '病历.pdf', contentType: 'application/pdf', size: 10, sha256: 'b'.repeat(64), ref: 'blob:1' }] } };
    const w = new Walk(c0).screen();
    expect(matterTopic(matter)).not.toBe('other');
    const topicBefore = deriveFacts(undefined, w.c)[0]!.topic;
    w.act(AGENCY, { action: 'mark-secret', category: 'privacy', scope: 'content', reason: '涉及投诉人病史' }, '2025-03-03T12:00:00+08:00');
    const v = viewFor(DEPT, w.c);
    expect(v.intake.matter).toBe('［涉及个人隐私，已隐去（第十三条）］');
    expect(v.intake.facts).toBe('［涉及个人隐私，已隐去（第十三条）］');
    expect(v.intake.evidence).toEqual([]);
    expect(viewFor(AGENCY, w.c).intake.matter).toBe(matter);
    expect(viewFor(AGENCY, w.c).intake.evidence).toHaveLength(1);
    expect(topicBefore).toBe(matterTopic(matter));
    expect(deriveFacts(undefined, w.c)[0]!.topic).toBe('other');
    // The same category twice on the whole content is refused; a lift restores the view and keeps the record.
    expect(() => applyAction(w.c, { action: 'mark-secret', category: 'privacy', scope: 'content', reason: '再标' }, AGENCY, ctxAt('2025-03-03T13:00:00+08:00'))).toThrow(RuleViolationError);
    w.act(AGENCY, { action: 'lift-secret-mark', markId: 'M1', reason: '投诉人同意公开' }, '2025-03-03T14:00:00+08:00');
    expect(viewFor(DEPT, w.c).intake.matter).toContain('食品经营许可证');
    expect(w.c.secrecyMarks?.[0]?.lifted).toEqual(expect.objectContaining({ reason: '投诉人同意公开' }));
    // Nothing left to lift.
    expect(() => applyAction(w.c, { action: 'lift-secret-mark', markId: 'M1', reason: '再解除' }, AGENCY, ctxAt('2025-03-03T15:00:00+08:00'))).toThrow(PhaseConflictError);
  });

  it('validates a mark: agency only, a reason, passages that occur in the case', () => {
    const w = handlingWithSecret();
    const at = ctxAt('2025-03-04T14:00:00+08:00');
    expect(() => applyAction(w.c, { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: [SECRET], reason: '商业秘密' }, DEPT, at)).toThrow(ForbiddenError);
    const noReason = () => applyAction(w.c, { action: 'mark-secret', category: 'trade_secret', scope: 'content' }, AGENCY, at);
    expect(noReason).toThrow(ValidationError);
    try {
      applyAction(w.c, { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: `${SECRET}\n不存在的一段话`, reason: '商业秘密' }, AGENCY, at);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems).toEqual([expect.objectContaining({ field: 'passages.1', code: 'passage_not_found' })]);
      // The refusal does not echo the text.
      expect(JSON.stringify((err as ValidationError).problems)).not.toContain('不存在的一段话');
    }
    expect(() => applyAction(w.c, { action: 'mark-secret', category: 'top_secret', scope: 'content', reason: 'x' }, AGENCY, at)).toThrow(ValidationError);
    expect(() => applyAction(w.c, { action: 'lift-secret-mark', markId: 'M1', reason: 'x' }, AGENCY, at)).toThrow(/不能执行“解除保密标注”/);
  });

  it('matches a passage across line breaks and spaces', () => {
    const w = handlingWithSecret();
    w.act(AGENCY, { action: 'mark-secret', category: 'state_secret', scope: 'passages', passages: ['年度供货 价格'], reason: '测试' }, '2025-03-04T14:00:00+08:00');
    expect(viewFor(DEPT, w.c).intake.facts).toContain('［涉及国家秘密，已隐去（第十三条）］');
    expect(viewFor(DEPT, w.c).intake.facts).not.toContain('供货价格');
    expect(withholdMarked(w.c)).not.toBe(w.c);
  });
});

describe('recusal of agency staff (art. 21)', () => {
  it('ends the recusing agency user’s access; other agency staff carry on and are told', () => {
    const w = caseIn('dispatch');
    expect(canAct(AGENCY, w.c, 'recuse')).toBe(true);
    const t = applyAction(w.c, { action: 'recuse', reason: '投诉人系本人配偶', handOverTo: 'agency-zhao' }, AGENCY, ctxAt('2025-03-03T14:00:00+08:00'));
    w.take(t);
    expect(w.c.agencyRecused).toEqual(['agency-li']);
    expect(canRead(AGENCY, w.c)).toBe(false);
    expect(readDenial(AGENCY, w.c)?.code).toBe('recused');
    expect(canRead(AGENCY2, w.c)).toBe(true);
    expect(canAct(AGENCY2, w.c, 'dispatch')).toBe(true);
    expect(() => applyAction(w.c, { action: 'dispatch', department: 'SCJGJ' }, AGENCY, ctxAt('2025-03-03T15:00:00+08:00'))).toThrow(expect.objectContaining({ code: 'recused' }));
    // The reason is audited, not in the timeline; the agency mailbox gets the hand-over notice.
    expect(t.audit).toEqual(expect.objectContaining({ reason: '投诉人系本人配偶', handOverTo: 'agency-zhao' }));
    expect(JSON.stringify(t.events)).not.toContain('配偶');
    expect(t.notices.map((n) => n.kind)).toEqual(['recusal']);
    expect(t.notices[0]!.audience).toBe('agency');
  });

  it('still works for department handlers, and records their reason in the audit entry only', () => {
    const w = caseIn('handling');
    const t = applyAction(w.c, { action: 'recuse', reason: '与投诉人系同学', handOverTo: DEPT2.id }, DEPT, ctxAt('2025-03-04T14:00:00+08:00'));
    expect(canRead(DEPT, t.record)).toBe(false);
    expect(readDenial(DEPT, t.record)?.code).toBe('recused');
    expect(canRead(DEPT2, t.record)).toBe(true);
    expect(t.audit).toEqual(expect.objectContaining({ reason: '与投诉人系同学' }));
  });
});

describe('a handler named as the respondent person (art. 21)', () => {
  it('reads the names out of the respondent field', () => {
    expect(respondentPersonNames('窗口工作人员李某')).toEqual(['李某']);
    expect(respondentPersonNames('张伟（首席事务代表）、王芳科长')).toEqual(['张伟', '王芳']);
    expect(respondentPersonNames('李 娜，赵强')).toEqual(['李娜', '赵强']);
    expect(respondentPersonNames('张三 李四')).toEqual(['张三李四', '张三', '李四']);
    expect(respondentPersonNames(undefined)).toEqual([]);
  });

  it('keeps the named person off the case, whatever the role, with a precise code; a similar name is not blocked', () => {
    const w = caseIn('handling');
    const named: Actor = { ...DEPT, name: '李某' };
    expect(isNamedRespondent(named, w.c)).toBe(true);
    expect(canRead(named, w.c)).toBe(false);
    const denial = readDenial(named, w.c);
    expect(denial).toBeInstanceOf(ForbiddenError);
    expect(denial?.code).toBe('respondent_person_conflict');
    expect(denial?.message).toContain('被投诉人');
    expect(() => applyAction(w.c, { action: 'conclude', finding: 'unfounded', summary: '不属实' }, named, ctxAt('2025-03-04T14:00:00+08:00'))).toThrow(
      expect.objectContaining({ code: 'respondent_person_conflict', status: 403 }),
    );
    expect(canRead({ ...AGENCY, name: '李某' }, w.c)).toBe(false);
    expect(canRead({ ...DEPT, name: '李某某' }, w.c)).toBe(true);
    expect(canRead(DEPT, w.c)).toBe(true);
  });

  it('refuses a hand-over to the respondent person, to another unit or to an unknown account', () => {
    const w = caseIn('handling');
    expect(() => assertHandOver(DEPT, w.c, 'scj-li', { role: 'department', department: 'SCJGJ', name: '李某' })).toThrow(expect.objectContaining({ code: 'respondent_person_conflict' }));
    expect(() => assertHandOver(DEPT, w.c, 'zrj-chen', { role: 'department', department: 'ZRZYGHJ' })).toThrow(ValidationError);
    expect(() => assertHandOver(DEPT, w.c, 'nobody', undefined)).toThrow(ValidationError);
    expect(() => assertHandOver(AGENCY, w.c, 'scj-liu', { role: 'department', department: 'SCJGJ' })).toThrow(ValidationError);
    expect(() => assertHandOver(DEPT, w.c, 'scj-liu', { role: 'department', department: 'SCJGJ', name: '刘洋' })).not.toThrow();
  });
});
