import type { Actor, CaseRecord, Phase } from '../../shared/domain/case';
import { ForbiddenError, PhaseConflictError, RuleViolationError, ValidationError } from '../../shared/domain/errors';
import type { ActionName } from '../../shared/domain/lifecycle';
import { ACTION_NAMES, allowedActions, applyAction, archive, currentDeadline, nextWakeUp, onWaitTimeout, screen } from '../../shared/domain/lifecycle';
import { AGENCY, ADMIN, DEPT, DEPT2, LEADER, OTHER_DEPT, T0, Walk, caseIn, ctxAt, newCase } from '../fixtures/lifecycle';

const WAITING = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'] as const;

const BODIES: Record<Exclude<ActionName, 'merge' | 'unmerge'>, Record<string, unknown>> = {
  dispatch: { action: 'dispatch', department: 'SCJGJ' },
  accept: { action: 'accept' },
  reject: { action: 'reject', reason: 'art8-4', explanation: '已申请行政复议' },
  classify: { action: 'classify', kind: 'transfer' },
  'designate-lead': { action: 'designate-lead', lead: 'SCJGJ', coHandlers: ['ZRZYGHJ'] },
  'request-extension': { action: 'request-extension', newDueDate: '2025-03-14', reason: '需调取监控' },
  conclude: { action: 'conclude', finding: 'unfounded', summary: '经核查不属实。' },
  'file-rectification': { action: 'file-rectification', summary: '已整改。' },
  reply: { action: 'reply', method: 'phone', summary: '电话答复。' },
  'record-follow-up': { action: 'record-follow-up', satisfaction: 'satisfied' },
  terminate: { action: 'terminate', reason: 'art19-3', withdrawal: '投诉人来电表示问题已解决，自愿放弃投诉' },
  'record-coordination': { action: 'record-coordination', kind: 'task_force', members: ['张三（市场监管局）'] },
  'request-correction': { action: 'request-correction', content: '请补充营业执照复印件', channel: 'phone', correctBy: '2025-12-31' },
  recuse: { action: 'recuse', reason: '与投诉人系亲属' },
  escalate: { action: 'escalate', to: 'agency', reason: '需协调' },
  // C2: the call task of the acceptance notice (the fixture complainant has a mail address, a phone and an address).
  'record-contact': { action: 'record-contact', contactId: 'C2', outcome: 'reached' },
  'mark-secret': { action: 'mark-secret', category: 'privacy', scope: 'content', reason: '涉及投诉人病史' },
  'lift-secret-mark': { action: 'lift-secret-mark', markId: 'M1', reason: '标注有误' },
  'record-name-clearing': { action: 'record-name-clearing', summary: '已在单位公示栏说明核查情况。' },
};

/** An actor entitled to take the action on a case in the phase (role and department), or undefined if none is. */
function entitled(action: ActionName, phase: Phase): Actor | undefined {
  const agencyActions: ActionName[] = [
    'dispatch',
    'designate-lead',
    'record-follow-up',
    'terminate',
    'classify',
    'conclude',
    'escalate',
    'reply',
    'mark-secret',
    'lift-secret-mark',
    'record-name-clearing',
    'request-correction',
  ];
  if (action === 'reject') return phase === 'dispatch' ? AGENCY : DEPT;
  if (agencyActions.includes(action)) return AGENCY;
  return phase === 'dispatch' ? undefined : DEPT;
}

function nowAfter(c: CaseRecord): string {
  return new Date(Date.parse(c.updatedAt) + 3600_000).toISOString();
}

describe('screening (arts. 4, 8, 9)', () => {
  it('sends an agency-received case to dispatch with a 2-working-day clock', () => {
    const t = screen(newCase(), ctxAt(T0));
    expect(t.record.phase).toBe('dispatch');
    expect(currentDeadline(t.record)).toMatchObject({ clock: 'dispatch', dueAt: '2025-03-05T23:59:59+08:00' });
    expect(t.record.screening).toMatchObject({ complete: true, missing: [] });
    expect(t.events.map((e) => e.type)).toEqual(['screened']);
  });

  it('sends a department-received case to acceptance and makes the department its owner', () => {
    const t = screen(newCase({ receivedBy: { department: 'SCJGJ' } }), ctxAt(T0));
    expect(t.record.phase).toBe('acceptance');
    expect(t.record.department).toBe('SCJGJ');
    expect(t.record.assignments).toEqual([expect.objectContaining({ department: 'SCJGJ', role: 'owner' })]);
    expect(currentDeadline(t.record)?.clock).toBe('acceptance');
  });

  it('reports a stability risk to the leader at once (art. 9(2))', () => {
    const t = screen(newCase({ matter: '如果再不解决，我们几十户准备集体上访。' }), ctxAt(T0));
    expect(t.record.flags.stabilityRisk).toBe(true);
    expect(t.notices).toEqual([expect.objectContaining({ kind: 'stability_risk', to: ['leader@chuanshan.example.gov.cn'] })]);
  });

  it('proposes art. 8 reasons and lists missing material, deciding nothing itself', () => {
    const c = newCase({ matter: '此事我已向法院起诉。' });
    c.intake.respondent = {};
    c.flags.possibleDuplicateOf = ['510903-20250301-0001'];
    const t = screen(c, ctxAt(T0));
    expect(t.record.screening?.missing).toContain('respondent');
    expect(t.record.screening?.proposedReasons.map((p) => p.reason).sort()).toEqual(['art8-2', 'art8-3', 'art8-4']);
    expect(t.record.phase).toBe('dispatch');
  });

  it('leaves a case that moved on untouched', () => {
    const w = caseIn('acceptance');
    expect(screen(w.c, ctxAt(T0)).record).toBe(w.c);
  });
});

describe('every action in every phase', () => {
  const phases = [...WAITING, 'archived'] as const;
  for (const phase of phases) {
    for (const action of ACTION_NAMES.filter((a) => a !== 'merge' && a !== 'unmerge') as Exclude<ActionName, 'merge' | 'unmerge'>[]) {
      it(`${action} in ${phase}`, () => {
        const w = phase === 'archived' ? caseIn('follow_up').act(AGENCY, { action: 'record-follow-up', satisfaction: 'satisfied' }, '2025-03-07T10:00:00+08:00') : caseIn(phase);
        if (phase === 'handling' && (action === 'designate-lead' || action === 'record-coordination')) w.c = { ...w.c, classification: 'intervention' };
        const c = w.c;
        expect(c.phase).toBe(phase);
        const actor = entitled(action, phase);
        // In acceptance a dispatch is a re-route (issue 15): to another department than the current one.
        const body = phase === 'acceptance' && action === 'dispatch' ? { ...BODIES.dispatch, department: 'ZJJ' } : BODIES[action];
        const run = (a: Actor) => applyAction(c, body, a, ctxAt(nowAfter(c)));
        if (!actor) {
          expect(() => run(DEPT)).toThrow(ForbiddenError);
          return;
        }
        if (allowedActions(c).includes(action)) {
          const t = run(actor);
          expect(t.events.length).toBeGreaterThan(0);
          expect(t.record.waiting).toBeUndefined();
          expect(t.record.updatedAt).toBe(nowAfter(c));
        } else {
          expect(() => run(actor)).toThrow(PhaseConflictError);
        }
        // Nobody without a part in the case may act on it.
        for (const outsider of [LEADER, ADMIN, OTHER_DEPT]) expect(() => run(outsider)).toThrow(ForbiddenError);
      });
    }
  }

  it('allows the expected actions per phase', () => {
    expect(allowedActions(caseIn('dispatch').c)).toEqual(['dispatch', 'reject', 'merge', 'terminate', 'request-correction', 'recuse', 'escalate', 'mark-secret']);
    expect(allowedActions(caseIn('handling').c)).toEqual(['request-extension', 'conclude', 'terminate', 'request-correction', 'recuse', 'escalate', 'record-contact', 'mark-secret']);
    expect(allowedActions({ ...caseIn('handling').c, classification: 'intervention' })).toEqual([
      'designate-lead',
      'record-coordination',
      'conclude',
      'terminate',
      'request-correction',
      'recuse',
      'escalate',
      'record-contact',
      'mark-secret',
    ]);
  });

  it('a department may not accept a case of another department, nor decide at dispatch', () => {
    const w = caseIn('acceptance');
    expect(() => applyAction(w.c, { action: 'accept' }, OTHER_DEPT, ctxAt(nowAfter(w.c)))).toThrow(ForbiddenError);
    const d = caseIn('dispatch');
    expect(() => applyAction(d.c, BODIES.reject, { ...DEPT }, ctxAt(nowAfter(d.c)))).toThrow(ForbiddenError);
  });

  it('a recused user loses access; the department keeps the case with another handler (art. 21)', () => {
    const w = caseIn('handling');
    w.act(DEPT, { action: 'recuse', reason: '与投诉人系亲属', handOverTo: 'scj-liu' }, '2025-03-04T12:00:00+08:00');
    const owner = w.c.assignments.find((a) => a.role === 'owner');
    expect(owner).toMatchObject({ department: 'SCJGJ', recused: ['scj-zhang'], handler: 'scj-liu' });
    expect(w.c.phase).toBe('handling');
    expect(() => applyAction(w.c, BODIES.conclude, DEPT, ctxAt('2025-03-04T13:00:00+08:00'))).toThrow(ForbiddenError);
    expect(applyAction(w.c, BODIES.conclude, DEPT2, ctxAt('2025-03-04T13:00:00+08:00')).record.conclusion?.finding).toBe('unfounded');
  });

  it('rejects a bad body with Chinese field messages', () => {
    const w = caseIn('handling');
    try {
      applyAction(w.c, { action: 'conclude', finding: 'maybe' }, DEPT, ctxAt(nowAfter(w.c)));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const fields = (e as ValidationError).problems.map((p) => p.field).sort();
      expect(fields).toEqual(['finding', 'summary']);
      expect((e as ValidationError).problems.every((p) => /[\u4e00-\u9fa5]/.test(p.message))).toBe(true);
    }
    expect(() => applyAction(w.c, { action: 'fly' }, DEPT, ctxAt(nowAfter(w.c)))).toThrow(ValidationError);
  });
});

describe('not accepted (arts. 8, 9)', () => {
  for (const reason of ['art8-1', 'art8-2', 'art8-3', 'art8-4', 'art8-5', 'art8-6'] as const) {
    it(`${reason}: notice with the reason and where to go, then archived`, () => {
      const w = caseIn('acceptance');
      const body = { action: 'reject', reason, ...(reason === 'art8-1' ? { referral: '遂宁市住房公积金管理中心', transferTo12345: true } : {}) };
      w.act(DEPT, body, '2025-03-04T10:00:00+08:00');
      expect(w.c.phase).toBe('archived');
      expect(w.c.outcome).toMatchObject({ kind: 'not_accepted', reason });
      const n = w.notices.find((x) => x.kind === 'not_accepted');
      expect(n?.to).toEqual(['wangxl@example.com']);
      const article = {
        'art8-1': '第八条第（一）项',
        'art8-2': '第八条第（二）项',
        'art8-3': '第八条第（三）项',
        'art8-4': '第八条第（四）项',
        'art8-5': '第八条第（五）项',
        'art8-6': '第八条第（六）项',
      }[reason];
      expect(n?.text).toContain(article);
      if (reason === 'art8-1') {
        expect(n?.text).toContain('遂宁市住房公积金管理中心');
        expect(n?.text).toContain('12345');
        expect(w.notices.some((x) => x.kind === 'referral_12345')).toBe(true);
      }
      expect(archive(w.c, ctxAt('2025-03-04T10:01:00+08:00')).record.archive?.at).toBeDefined();
    });
  }

  it('art8-1 needs a referral or the 12345 transfer', () => {
    const w = caseIn('acceptance');
    expect(() => applyAction(w.c, { action: 'reject', reason: 'art8-1' }, DEPT, ctxAt('2025-03-04T10:00:00+08:00'))).toThrow(ValidationError);
  });
});

describe('classification (art. 14)', () => {
  it('general: settled on the spot with a finding, then reply', () => {
    const w = caseIn('classification');
    w.act(DEPT, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '当场解释清楚。' }, '2025-03-04T11:00:00+08:00');
    expect(w.c.phase).toBe('reply');
    expect(w.c.conclusion?.finding).toBe('unfounded');
    expect(w.c.outcome?.kind).toBe('concluded');
  });

  it('transfer: the result clock runs 3 working days from receipt of the slip', () => {
    const w = caseIn('handling');
    expect(currentDeadline(w.c)).toMatchObject({ clock: 'result', startedAt: '2025-03-03T07:00:00.000Z', dueAt: '2025-03-06T23:59:59+08:00' });
  });

  it('transfer of a department-received case issues the slip then; the clock still runs from the receipt (art. 14(2))', () => {
    const w = new Walk(newCase({ receivedBy: { department: 'SCJGJ' } })).screen();
    w.act(DEPT, { action: 'accept' }, '2025-03-04T10:00:00+08:00').act(DEPT, { action: 'classify', kind: 'transfer' }, '2025-03-05T10:00:00+08:00');
    // Received Monday 2025-03-03: three working days end on Thursday 2025-03-06, whenever the slip is issued.
    expect(currentDeadline(w.c)).toMatchObject({ clock: 'result', startedAt: T0, dueAt: '2025-03-06T23:59:59+08:00' });
    expect(w.notices.some((n) => n.kind === 'assignment_slip')).toBe(true);
    expect(w.c.assignments.find((a) => a.role === 'owner')).toMatchObject({ slipNo: `JB-${w.c.trackingNo}`, assignedAt: '2025-03-05T02:00:00.000Z' });
  });

  it('intervention: the agency designates a lead unit, co-handlers and the deadline', () => {
    const w = caseIn('classification');
    w.act(DEPT, { action: 'classify', kind: 'intervention' }, '2025-03-04T11:00:00+08:00');
    expect(w.notices.some((n) => n.kind === 'intervention')).toBe(true);
    expect(currentDeadline(w.c)?.workingDays).toBe(15);
    expect(() => applyAction(w.c, BODIES['designate-lead'], DEPT, ctxAt('2025-03-04T12:00:00+08:00'))).toThrow(ForbiddenError);
    w.act(AGENCY, { action: 'designate-lead', lead: 'ZRZYGHJ', coHandlers: ['SCJGJ', 'BDCDJ'], dueDate: '2025-03-20', taskForce: true }, '2025-03-04T12:00:00+08:00');
    expect(w.c.assignments.filter((a) => a.role !== 'owner').map((a) => [a.department, a.role])).toEqual([
      ['ZRZYGHJ', 'lead'],
      ['SCJGJ', 'co_handler'],
      ['BDCDJ', 'co_handler'],
    ]);
    expect(currentDeadline(w.c)?.dueAt).toBe('2025-03-20T23:59:59+08:00');
    expect(w.notices.filter((n) => n.kind === 'assignment_slip').map((n) => n.to[0])).toEqual(expect.arrayContaining(['zrzyghj.sxdb@chuanshan.example.gov.cn', 'bdcdj.sxdb@chuanshan.example.gov.cn']));
    // The lead unit concludes.
    const lead: Actor = { role: 'department', id: 'zr-1', department: 'ZRZYGHJ' };
    w.act(lead, { action: 'conclude', finding: 'partial', summary: '部分属实。' }, '2025-03-18T10:00:00+08:00');
    expect(w.c.phase).toBe('rectification');
  });

  it('designate-lead without a date uses the rules default', () => {
    const w = caseIn('classification').act(DEPT, { action: 'classify', kind: 'intervention' }, '2025-03-04T11:00:00+08:00');
    w.act(AGENCY, { action: 'designate-lead', lead: 'ZRZYGHJ' }, '2025-03-05T09:00:00+08:00');
    expect(currentDeadline(w.c)?.dueAt).toBe(ctxAt(T0).calendar.addWorkingDays('2025-03-05T09:00:00+08:00', 15).dueAt);
  });
});

describe('extension (art. 14(2))', () => {
  it('is granted before the due time up to 15 working days beyond the original, telling the complainant and the agency', () => {
    const w = caseIn('handling');
    w.act(DEPT, { action: 'request-extension', newDueDate: '2025-03-27', reason: '需调取监控' }, '2025-03-06T10:00:00+08:00');
    expect(currentDeadline(w.c)).toMatchObject({ dueAt: '2025-03-27T23:59:59+08:00', originalDueAt: '2025-03-06T23:59:59+08:00', extended: true });
    const kinds = w.notices.filter((n) => n.kind === 'extension').map((n) => n.audience);
    expect(kinds.sort()).toEqual(['agency', 'complainant']);
  });

  it('is refused when too long, with the limit in Chinese', () => {
    const w = caseIn('handling');
    try {
      applyAction(w.c, { action: 'request-extension', newDueDate: '2025-03-28', reason: 'x' }, DEPT, ctxAt('2025-03-06T10:00:00+08:00'));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(RuleViolationError);
      expect((e as RuleViolationError).code).toBe('extension_too_long');
      expect((e as Error).message).toContain('2025-03-27');
    }
  });

  it('is refused after the due time', () => {
    const w = caseIn('handling');
    expect(() => applyAction(w.c, { action: 'request-extension', newDueDate: '2025-03-12', reason: 'x' }, DEPT, ctxAt('2025-03-07T00:00:01+08:00'))).toThrow(
      expect.objectContaining({ code: 'extension_after_due' }),
    );
  });

  it('follows the "total" interpretation when the rules say so', () => {
    const w = caseIn('handling');
    const ctx = { ...ctxAt('2025-03-06T10:00:00+08:00') };
    ctx.rules = { ...ctx.rules, deadlines: { ...ctx.rules.deadlines, extensionInterpretation: 'total' } };
    // 15 working days from the slip (2025-03-03) end on 2025-03-24.
    expect(() => applyAction(w.c, { action: 'request-extension', newDueDate: '2025-03-25', reason: 'x' }, DEPT, ctx)).toThrow(expect.objectContaining({ code: 'extension_too_long' }));
    expect(applyAction(w.c, { action: 'request-extension', newDueDate: '2025-03-24', reason: 'x' }, DEPT, ctx).record.phase).toBe('handling');
  });
});

describe('waiting: reminder, overdue, late conclusion (art. 20)', () => {
  it('reminds, marks overdue, and keeps the mark after a late conclusion', () => {
    const w = caseIn('handling');
    const remindAt = nextWakeUp(w.c, ctxAt(T0));
    expect(remindAt).toBe('2025-03-05T09:00:00+08:00');
    expect(onWaitTimeout(w.c, ctxAt('2025-03-05T08:00:00+08:00')).events).toEqual([]);
    w.take(onWaitTimeout(w.c, ctxAt(remindAt!)));
    expect(w.notices.at(-1)).toMatchObject({ kind: 'reminder', to: ['scjgj.sxdb@chuanshan.example.gov.cn'] });
    const dueWake = nextWakeUp(w.c, ctxAt(remindAt!));
    expect(dueWake).toBe('2025-03-06T16:00:00.000Z');
    w.take(onWaitTimeout(w.c, ctxAt(dueWake!)));
    expect(currentDeadline(w.c)?.overdueAt).toBe('2025-03-06T16:00:00.000Z');
    expect(w.c.flags.overdue).toBe(true);
    expect(w.c.phase).toBe('handling');
    expect(w.notices.at(-1)).toMatchObject({ kind: 'overdue_alert' });
    expect(w.notices.at(-1)!.to).toContain('tousu.slzy@chuanshan.example.gov.cn');
    expect(nextWakeUp(w.c, ctxAt(dueWake!))).toBeUndefined();
    w.act(DEPT, { action: 'conclude', finding: 'unfounded', summary: '不属实。' }, '2025-03-10T10:00:00+08:00');
    const result = w.c.deadlines.find((d) => d.clock === 'result');
    expect(result).toMatchObject({ overdueAt: '2025-03-06T16:00:00.000Z', metAt: '2025-03-10T02:00:00.000Z' });
    expect(w.c.flags.overdue).toBe(true);
  });

  it('a conclusion after the due time before the timeout fired is marked overdue too', () => {
    const w = caseIn('handling');
    w.act(DEPT, { action: 'conclude', finding: 'unfounded', summary: '不属实。' }, '2025-03-07T10:00:00+08:00');
    expect(w.c.deadlines.find((d) => d.clock === 'result')?.overdueAt).toBeDefined();
    expect(w.events.some((e) => e.type === 'overdue_marked')).toBe(true);
  });
});

describe('termination (art. 19) from every waiting phase', () => {
  for (const phase of WAITING) {
    it(`from ${phase}`, () => {
      const w = caseIn(phase);
      w.act(AGENCY, { action: 'terminate', reason: 'art19-2', refusal: '两次无故不参加协调会' }, nowAfter(w.c));
      expect(w.c.phase).toBe('archived');
      expect(w.c.outcome).toMatchObject({ kind: 'terminated', reason: 'art19-2' });
      expect(w.c.deadlines.every((d) => d.metAt)).toBe(true);
      const toComplainant = w.notices.find((n) => n.kind === 'termination' && n.audience === 'complainant');
      expect(toComplainant?.text).toContain('第十九条第（二）项');
    });
  }
});

describe('reply, follow-up and archive (arts. 15 to 18)', () => {
  it('walks the full transfer path to the archive', () => {
    const w = caseIn('follow_up');
    // The result goes to the complainant and to the agency at the conclusion (art. 14(2)), with the survey (art. 17).
    expect(w.notices.map((n) => n.kind)).toEqual(['assignment_slip', 'acceptance', 'result_feedback', 'result_feedback', 'follow_up_survey', 'rectification_filed', 'reply_record']);
    w.act(AGENCY, { action: 'record-follow-up', satisfaction: 'basically_satisfied' }, '2025-03-07T10:00:00+08:00');
    expect(w.c.phase).toBe('archived');
    const a = archive(w.c, ctxAt('2025-03-07T10:00:05+08:00'));
    expect(a.record.archive?.at).toBe('2025-03-07T02:00:05.000Z');
    expect(archive(a.record, ctxAt('2025-03-07T11:00:00+08:00')).events).toEqual([]);
    expect(() => archive(caseIn('reply').c, ctxAt(T0))).toThrow(PhaseConflictError);
  });

  it('reply none needs a reason, and "anonymous" only for an anonymous complaint', () => {
    const w = caseIn('reply');
    expect(() => applyAction(w.c, { action: 'reply', method: 'none' }, DEPT, ctxAt('2025-03-06T15:00:00+08:00'))).toThrow(ValidationError);
    expect(() => applyAction(w.c, { action: 'reply', method: 'none', reasonNone: 'anonymous' }, DEPT, ctxAt('2025-03-06T15:00:00+08:00'))).toThrow(RuleViolationError);
    w.act(DEPT, { action: 'reply', method: 'none', reasonNone: 'unreachable' }, '2025-03-06T15:00:00+08:00');
    expect(w.c.reply).toMatchObject({ method: 'none', reasonNone: 'unreachable' });
    expect(w.c.phase).toBe('follow_up');
  });

  it('an anonymous complaint skips the reply and the follow-up', () => {
    const w = caseIn('classification', { anonymous: true });
    w.act(DEPT, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '已解释。' }, '2025-03-04T11:00:00+08:00');
    expect(w.c.reply).toMatchObject({ method: 'none', reasonNone: 'anonymous' });
    expect(w.c.phase).toBe('archived');
    expect(w.notices.some((n) => n.audience === 'complainant')).toBe(false);
  });

  it('a reply by email goes to the complainant', () => {
    const w = caseIn('reply');
    w.act(DEPT, { action: 'reply', method: 'email', summary: '经核查，已整改。' }, '2025-03-06T15:00:00+08:00');
    expect(w.notices.find((n) => n.kind === 'reply_record' && n.audience === 'complainant')?.to).toEqual(['wangxl@example.com']);
  });

  it('escalation to the leader makes the case readable by the leader', () => {
    const w = caseIn('handling');
    w.act(DEPT, { action: 'escalate', to: 'leader', reason: '投诉人情绪激动', stabilityRisk: true }, '2025-03-04T12:00:00+08:00');
    expect(w.c.escalations).toHaveLength(1);
    expect(w.notices.at(-1)).toMatchObject({ kind: 'stability_risk', to: ['leader@chuanshan.example.gov.cn'] });
    expect(w.c.phase).toBe('handling');
  });
});
