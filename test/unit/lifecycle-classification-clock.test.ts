/**
 * The result clock while a case waits for classification (art. 14(2)): it runs from the department's receipt
 * of the assignment slip, so the classification wait has a due time, a reminder and an overdue mark; transfer
 * keeps it, general meets it, intervention replaces it and keeps any overdue mark (art. 20). The overdue
 * mark set in classification is an "overdue conclusion" of the quarterly evaluation.
 */
import type { CaseRecord } from '../../shared/domain/case';
import { buildEvaluationReport, deriveFacts, factId } from '../../shared/domain/evaluation';
import type { EvaluationFact } from '../../shared/domain/evaluation';
import { applyAction, currentDeadline, nextWakeUp, onWaitTimeout } from '../../shared/domain/lifecycle';
import type { Transition } from '../../shared/domain/lifecycle';
import { AGENCY, DEPT, T0, Walk, calendar, caseIn, ctxAt, newCase, rules } from '../fixtures/lifecycle';

// caseIn('classification'): received Monday 2025-03-03 10:00, slip dispatched 15:00, accepted Tuesday 10:00.
const SLIP_AT = '2025-03-03T07:00:00.000Z';
const DUE = '2025-03-06T23:59:59+08:00';
const REMIND = '2025-03-05T09:00:00+08:00';
const OVERDUE = '2025-03-07T00:00:00+08:00';

const resultClocks = (c: CaseRecord) => c.deadlines.filter((d) => d.clock === 'result');

/** Runs the timeout handler at the instant the engine would wake the case. */
function wake(w: Walk): Walk {
  const at = nextWakeUp(w.c, ctxAt(T0));
  if (!at) throw new Error('the case waits for nothing');
  return w.take(onWaitTimeout(w.c, ctxAt(at)));
}

/** A case in classification with the reminder sent and the overdue mark set. */
function overdueInClassification(): Walk {
  return wake(wake(caseIn('classification')));
}

describe('entering classification', () => {
  it('starts the art. 14(2) result clock from the receipt of the slip, with a reminder', () => {
    const w = caseIn('classification');
    expect(w.c.phase).toBe('classification');
    expect(currentDeadline(w.c)).toEqual({ clock: 'result', startedAt: SLIP_AT, workingDays: 3, dueAt: DUE });
    expect(nextWakeUp(w.c, ctxAt(T0))).toBe(REMIND);
    const accepted = w.events.find((e) => e.type === 'accepted')!;
    expect(accepted.summary).toContain('第十四条第（二）项');
    expect(accepted.data).toEqual({ dueAt: DUE });
  });

  it('for a complaint the department received itself, from its receipt', () => {
    const w = new Walk(newCase({ receivedBy: { department: 'SCJGJ' } })).screen();
    w.act(DEPT, { action: 'accept' }, '2025-03-04T10:00:00+08:00');
    expect(currentDeadline(w.c)).toMatchObject({ clock: 'result', startedAt: T0, dueAt: DUE });
  });

  it('an acceptance decided after the result due time leaves the case overdue at once', () => {
    const w = new Walk(newCase({ receivedBy: { department: 'SCJGJ' } })).screen();
    w.act(DEPT, { action: 'accept' }, '2025-03-07T10:00:00+08:00');
    expect(currentDeadline(w.c)?.overdueAt).toBeUndefined(); // the acceptance clock was late; the result clock is marked by its wait
    const late = w.c.deadlines.find((d) => d.clock === 'acceptance')!;
    expect(late.overdueAt).toBe('2025-03-07T02:00:00.000Z');
    // The wait wakes at once (its instants are in the past) and marks the result clock overdue, skipping the reminder.
    w.take(onWaitTimeout(w.c, ctxAt('2025-03-07T10:00:01+08:00')));
    expect(currentDeadline(w.c)).toMatchObject({ clock: 'result', overdueAt: '2025-03-07T02:00:01.000Z' });
    expect(w.events.filter((e) => e.type === 'reminder_sent')).toEqual([]);
  });
});

describe('waiting for classification', () => {
  it('reminds at the policy lead, then marks overdue at the due time and alerts the agency', () => {
    const w = caseIn('classification');
    w.notices = [];
    wake(w);
    expect(w.c.phase).toBe('classification');
    expect(currentDeadline(w.c)?.remindedAt).toBe(new Date(REMIND).toISOString());
    expect(w.events.at(-1)).toMatchObject({ type: 'reminder_sent', data: { clock: 'result', dueAt: DUE } });
    expect(w.notices.map((n) => n.kind)).toEqual(['reminder']);
    expect(nextWakeUp(w.c, ctxAt(T0))).toBe(new Date(OVERDUE).toISOString());
    // Nothing is due before the overdue instant.
    expect(onWaitTimeout(w.c, ctxAt('2025-03-06T23:59:59+08:00')).events).toEqual([]);

    wake(w);
    expect(w.c.phase).toBe('classification');
    expect(currentDeadline(w.c)?.overdueAt).toBe(new Date(OVERDUE).toISOString());
    expect(w.c.flags.overdue).toBe(true);
    expect(w.events.at(-1)).toMatchObject({ type: 'overdue_marked', data: { clock: 'result', dueAt: DUE } });
    expect(w.events.at(-1)!.summary).toContain('待分类办理');
    expect(w.notices.map((n) => n.kind)).toEqual(['reminder', 'overdue_alert']);
    // Marked once: the wait goes on without a wake-up.
    expect(nextWakeUp(w.c, ctxAt(T0))).toBeUndefined();
  });

  it('termination stops the running result clock (art. 19)', () => {
    const w = caseIn('classification').act(AGENCY, { action: 'terminate', reason: 'art19-2', refusal: '拒绝提供办理记录' }, '2025-03-05T10:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([expect.objectContaining({ metAt: '2025-03-05T02:00:00.000Z' })]);
    expect(w.c.flags.overdue).toBeUndefined();
  });
});

describe('classify', () => {
  it('transfer keeps the running clock: same start, same due time, the reminder already sent', () => {
    const w = wake(caseIn('classification'));
    const before = currentDeadline(w.c)!;
    w.act(DEPT, { action: 'classify', kind: 'transfer' }, '2025-03-05T11:00:00+08:00');
    expect(w.c.phase).toBe('handling');
    expect(resultClocks(w.c)).toEqual([before]);
    expect(w.events.at(-1)).toMatchObject({ type: 'classified', data: { kind: 'transfer', dueAt: DUE } });
    // No second reminder: the next wake-up is the overdue instant.
    expect(nextWakeUp(w.c, ctxAt(T0))).toBe(new Date(OVERDUE).toISOString());
  });

  it('transfer after the overdue mark keeps it; a late conclusion does not mark it twice', () => {
    const w = overdueInClassification();
    const marked = currentDeadline(w.c)!;
    w.act(DEPT, { action: 'classify', kind: 'transfer' }, '2025-03-07T10:00:00+08:00');
    expect(currentDeadline(w.c)).toEqual(marked);
    expect(nextWakeUp(w.c, ctxAt(T0))).toBeUndefined();
    w.act(DEPT, { action: 'conclude', finding: 'unfounded', summary: '经核查不属实。' }, '2025-03-10T10:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([{ ...marked, metAt: '2025-03-10T02:00:00.000Z' }]);
    expect(w.events.filter((e) => e.type === 'overdue_marked')).toHaveLength(1);
    expect(w.c.flags.overdue).toBe(true);
  });

  it('a case accepted before the clock existed gets it at transfer, from the receipt of the slip', () => {
    const w = caseIn('classification');
    w.c = { ...w.c, deadlines: w.c.deadlines.filter((d) => d.clock !== 'result') };
    expect(currentDeadline(w.c)).toBeUndefined();
    w.act(DEPT, { action: 'classify', kind: 'transfer' }, '2025-03-05T11:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([{ clock: 'result', startedAt: SLIP_AT, workingDays: 3, dueAt: DUE }]);
  });

  it('general meets the clock on the spot', () => {
    const w = caseIn('classification').act(DEPT, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '当场解释清楚。' }, '2025-03-05T11:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([{ clock: 'result', startedAt: SLIP_AT, workingDays: 3, dueAt: DUE, metAt: '2025-03-05T03:00:00.000Z' }]);
    expect(w.c.flags.overdue).toBeUndefined();
    expect(w.c.phase).toBe('reply');
  });

  it('general after the due time meets it late: the overdue mark is set at closing', () => {
    const w = caseIn('classification').act(DEPT, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '当场解释清楚。' }, '2025-03-07T11:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([expect.objectContaining({ metAt: '2025-03-07T03:00:00.000Z', overdueAt: '2025-03-07T03:00:00.000Z' })]);
    expect(w.c.flags.overdue).toBe(true);
    expect(w.events.map((e) => e.type)).toContain('overdue_marked');
  });

  it('intervention replaces the clock with the agency default; a new reminder is due for it', () => {
    const w = wake(caseIn('classification'));
    w.act(DEPT, { action: 'classify', kind: 'intervention' }, '2025-03-05T11:00:00+08:00');
    const due = calendar.addWorkingDays('2025-03-05T11:00:00+08:00', rules.deadlines.interventionDefaultWorkingDays).dueAt;
    expect(resultClocks(w.c)).toEqual([{ clock: 'result', startedAt: '2025-03-05T03:00:00.000Z', workingDays: 15, dueAt: due }]);
    expect(nextWakeUp(w.c, ctxAt(T0))).toBe(calendar.reminderAt(due, rules.reminderLeadWorkingDays));
  });

  it('intervention, then the agency-set deadline, keep an overdue mark recorded in classification (art. 20)', () => {
    const w = overdueInClassification();
    const overdueAt = currentDeadline(w.c)!.overdueAt;
    expect(overdueAt).toBeDefined();
    w.act(DEPT, { action: 'classify', kind: 'intervention' }, '2025-03-07T10:00:00+08:00');
    expect(resultClocks(w.c)).toHaveLength(1);
    expect(currentDeadline(w.c)).toMatchObject({ workingDays: 15, overdueAt });
    w.act(AGENCY, { action: 'designate-lead', lead: 'ZRZYGHJ', coHandlers: ['SCJGJ'], dueDate: '2025-03-20' }, '2025-03-07T11:00:00+08:00');
    expect(resultClocks(w.c)).toEqual([expect.objectContaining({ dueAt: '2025-03-20T23:59:59+08:00', startedAt: '2025-03-07T03:00:00.000Z', overdueAt })]);
    expect(resultClocks(w.c)[0]!.workingDays).toBeUndefined();
    expect(w.c.flags.overdue).toBe(true);
  });
});

describe('evaluation (art. 20): an overdue mark set in classification is an overdue conclusion', () => {
  it('is counted for the respondent and makes the concluded case late', () => {
    const transitions: { before: CaseRecord | undefined; after: CaseRecord }[] = [];
    const w = caseIn('classification');
    const track = (f: () => Transition) => {
      const before = w.c;
      w.take(f());
      transitions.push({ before, after: w.c });
    };
    transitions.push({ before: undefined, after: w.c });
    for (let i = 0; i < 2; i += 1) {
      const at = nextWakeUp(w.c, ctxAt(T0))!;
      track(() => onWaitTimeout(w.c, ctxAt(at)));
    }
    track(() => applyAction(w.c, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '当场解释清楚。' }, DEPT, ctxAt('2025-03-07T10:00:00+08:00')));

    const byKey = new Map<string, EvaluationFact>();
    for (const t of transitions) for (const f of deriveFacts(t.before, t.after)) byKey.set(`${f.quarter}|${factId(f)}`, f);
    const facts = [...byKey.values()];
    expect(facts.find((f) => f.kind === 'overdue')).toMatchObject({ clock: 'result', dueAt: DUE, at: new Date(OVERDUE).toISOString(), quarter: '2025Q1' });
    expect(facts.find((f) => f.kind === 'concluded')).toMatchObject({ finding: 'unfounded', classification: 'general', late: true });

    const report = buildEvaluationReport({
      jurisdiction: { code: '510903', name: '船山区', agency: { name: '船山区政务服务管理局' }, departments: [{ code: 'SCJGJ', name: '遂宁市船山区市场监督管理局', aliases: [] }] },
      quarter: '2025Q1',
      facts,
      rules,
      generatedAt: '2025-04-01T01:00:00.000Z',
    });
    const row = report.respondents.units.find((u) => u.overdueCaseIds.includes(w.c.caseId));
    expect(row).toMatchObject({ overdueConclusions: 1, counted: 0, eligible: false });
    expect(row!.reasons.join()).toContain('超期办结');
  });
});
