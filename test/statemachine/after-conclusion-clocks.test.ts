/**
 * The clocks after the conclusion, on the real ASL with the manual clock (arts. 14(2), 15, 16, 17, 20):
 * - the result is fed back to the agency and to the complainant at the conclusion, within the 3 working days of
 *   the slip, and the rectification filing runs beside the reply, not before it;
 * - a department late with its rectification does not make the follow-up overdue: the follow-up runs from the
 *   conclusion with its own reminder, and the reply and follow-up clocks are reminded while the case waits in
 *   rectification.
 */
import type { Actor, CaseRecord, ClockName, Deadline } from '../../shared/domain/case';
import { scenarioIntake } from '../../infra/local/lifecycle-scenarios';
import type { Harness } from './harness';
import { useHarness } from './harness';

const harness = useHarness();

const D1 = 'SCJGJ';
const OWNER: Actor = { role: 'department', id: 'scjgj-rep', department: D1 };
const AGENCY: Actor = { role: 'agency', id: 'agency-staff' };
const SUMMARY = '经核查，窗口人员未一次性告知所需材料，情况属实，已批评教育。';

const clockOf = (c: CaseRecord, clock: ClockName): Deadline => {
  const d = c.deadlines.filter((x) => x.clock === clock);
  expect(d).toHaveLength(1);
  return d[0]!;
};
const plus1s = (iso: string) => new Date(Date.parse(iso) + 1000).toISOString();

async function act(h: Harness, caseId: string, actor: Actor, body: Record<string, unknown>): Promise<CaseRecord> {
  await h.sb.act(caseId, actor, body);
  await h.sb.workflow.idle();
  return h.sb.get(caseId);
}

/** Files an agency-received complaint and brings it to handling (dispatched, accepted, transferred). */
async function toHandling(h: Harness, tag: string, contact?: 'phone-only'): Promise<CaseRecord> {
  const filed = await h.sb.file(scenarioIntake({ receivedBy: 'agency', respondent: D1, ...(contact ? { contact } : {}) }, h.sb, tag));
  await h.sb.workflow.idle();
  await act(h, filed.caseId, AGENCY, { action: 'dispatch', department: D1, note: '请按期办理' });
  await act(h, filed.caseId, OWNER, { action: 'accept' });
  const c = await act(h, filed.caseId, OWNER, { action: 'classify', kind: 'transfer' });
  expect(c.phase).toBe('handling');
  return c;
}

describe('after the conclusion: result fed back at once, each clock on its own (arts. 14(2), 15–17)', () => {
  it('feeds the result back to the agency and the complainant within the 3 working days of the slip; the rectification runs beside it', async () => {
    const h = harness();
    const handling = await toHandling(h, 'feedback-in-time');
    const result = clockOf(handling, 'result');
    const slip = handling.assignments.find((a) => a.role === 'owner')!;
    expect(result.startedAt).toBe(slip.assignedAt);
    expect(result.dueAt).toBe(h.sb.calendar.addWorkingDays(slip.assignedAt, 3).dueAt);

    // The department takes its time: it concludes on the reminder day (1 working day before the due day).
    await h.clock.advanceTo(h.sb.calendar.reminderAt(result.dueAt, 1));
    const reminded = await h.sb.get(handling.caseId);
    expect(clockOf(reminded, 'result').remindedAt).toBeDefined();
    const c = await act(h, handling.caseId, OWNER, { action: 'conclude', finding: 'substantiated', summary: SUMMARY });
    const timeline = await h.sb.timeline(c.caseId);
    const concluded = timeline.find((e) => e.type === 'concluded')!;

    // Fed back at the conclusion, before the result's due time: the agency by mail, the complainant by mail.
    expect(Date.parse(concluded.at)).toBeLessThanOrEqual(Date.parse(result.dueAt));
    expect(clockOf(c, 'result')).toMatchObject({ metAt: concluded.at });
    expect(clockOf(c, 'result').overdueAt).toBeUndefined();
    const feedback = h.mail.of(c.caseId, 'result_feedback');
    expect(feedback).toHaveLength(2);
    const agencyMails = h.sb.jurisdiction.agency.contacts.map((x) => x.email);
    const toAgency = feedback.find((m) => m.to.some((a) => agencyMails.includes(a)))!;
    const toComplainant = feedback.find((m) => m.to.includes('complainant@example.com'))!;
    expect(toAgency).toBeDefined();
    expect(toComplainant.text).toContain(SUMMARY);
    expect(toAgency.text).toContain(SUMMARY);
    const mailTask = c.contacts!.find((x) => x.kind === 'result_feedback' && x.channel === 'email')!;
    expect(mailTask.status).toBe('done');
    const sent = timeline.find((e) => e.type === 'notice_sent' && e.data?.contactId === mailTask.id)!;
    expect(Date.parse(sent.at)).toBeLessThanOrEqual(Date.parse(result.dueAt));

    // The mail sent is the reply (art. 16), done while the rectification (art. 15) is still open beside it.
    expect(c.reply).toMatchObject({ method: 'email' });
    expect(clockOf(c, 'reply').metAt).toBe(sent.at);
    expect(c.phase).toBe('rectification');
    const rect = clockOf(c, 'rectification');
    expect(rect.metAt).toBeUndefined();
    expect(rect.startedAt).toBe(concluded.at);
    expect(rect.dueAt).toBe(h.sb.calendar.addWorkingDays(concluded.at, 2).dueAt);
    expect(c.waiting).toMatchObject({ step: 'rectification', dueAt: rect.dueAt });
    expect(c.waiting!.allowedActions).toEqual(expect.arrayContaining(['file-rectification', 'record-follow-up']));
    expect(c.waiting!.allowedActions).not.toContain('reply');

    // The phone the complainant also left gets a result call task with the department's result.
    const call = c.contacts!.find((x) => x.kind === 'result_feedback' && x.channel === 'phone')!;
    expect(call.status).toBe('pending');
    expect(call.text).toContain(SUMMARY);

    const filed = await act(h, c.caseId, OWNER, { action: 'file-rectification', summary: '已制作一次性告知清单并在窗口公示。' });
    expect(filed.phase).toBe('follow_up');
    const done = await act(h, c.caseId, AGENCY, { action: 'record-follow-up', satisfaction: 'satisfied' });
    expect(done.phase).toBe('archived');
    expect(done.flags.overdue ?? false).toBe(false);
  });

  it('a late department does not make the follow-up overdue; reply and follow-up are reminded while the case waits in rectification', async () => {
    const h = harness();
    // Phone only: the reply (the result call) stays open too, so three clocks run at once.
    const handling = await toHandling(h, 'late-department', 'phone-only');
    const c = await act(h, handling.caseId, OWNER, { action: 'conclude', finding: 'substantiated', summary: SUMMARY });
    const concludedAt = (await h.sb.timeline(c.caseId)).find((e) => e.type === 'concluded')!.at;
    expect(c.phase).toBe('rectification');

    // Each clock from the conclusion, with its own length (rules: 2, 3, 3 working days).
    const rect = clockOf(c, 'rectification');
    const reply = clockOf(c, 'reply');
    const visit = clockOf(c, 'follow_up');
    for (const d of [rect, reply, visit]) expect(d.startedAt).toBe(concludedAt);
    expect(rect.dueAt).toBe(h.sb.calendar.addWorkingDays(concludedAt, 2).dueAt);
    expect(reply.dueAt).toBe(h.sb.calendar.addWorkingDays(concludedAt, 3).dueAt);
    expect(visit.dueAt).toBe(h.sb.calendar.addWorkingDays(concludedAt, 3).dueAt);
    const rectRemind = h.sb.calendar.reminderAt(rect.dueAt, 1);
    const visitRemind = h.sb.calendar.reminderAt(visit.dueAt, 1);
    expect(Date.parse(rectRemind)).toBeLessThan(Date.parse(visitRemind));
    expect(Date.parse(visitRemind)).toBeLessThan(Date.parse(rect.dueAt));
    // The waiting record shows the earliest reminder of the running clocks.
    expect(c.waiting).toMatchObject({ step: 'rectification', dueAt: rect.dueAt, remindAt: rectRemind });
    expect(c.contacts!.map((x) => [x.kind, x.channel, x.status])).toEqual([
      ['acceptance', 'phone', 'pending'],
      ['result_feedback', 'phone', 'pending'],
    ]);

    // The rectification reminder, then the reply and follow-up reminders, all while the case waits in rectification.
    await h.clock.advanceTo(rectRemind);
    let now = await h.sb.get(c.caseId);
    expect(clockOf(now, 'rectification').remindedAt).toBe(new Date(rectRemind).toISOString());
    expect(clockOf(now, 'follow_up').remindedAt).toBeUndefined();
    expect(now.waiting?.remindAt).toBe(visitRemind);
    await h.clock.advanceTo(visitRemind);
    now = await h.sb.get(c.caseId);
    expect(now.phase).toBe('rectification');
    expect(clockOf(now, 'reply').remindedAt).toBe(new Date(visitRemind).toISOString());
    expect(clockOf(now, 'follow_up').remindedAt).toBe(new Date(visitRemind).toISOString());
    let timeline = await h.sb.timeline(c.caseId);
    const reminders = timeline.filter((e) => e.type === 'reminder_sent' && Date.parse(e.at) > Date.parse(concludedAt));
    expect(reminders.map((e) => [e.phase, e.data?.clock])).toEqual([
      ['rectification', 'rectification'],
      ['rectification', 'reply'],
      ['rectification', 'follow_up'],
    ]);
    // Each reminder names its own step and goes to whoever must act: the visit is the agency's (art. 17).
    const agencyMails = h.sb.jurisdiction.agency.contacts.map((x) => x.email);
    const visitReminder = h.mail.of(c.caseId, 'reminder').find((m) => m.subject.includes('回访期限'))!;
    expect(visitReminder.text).toContain('当前环节为“待回访”');
    expect(visitReminder.to.some((a) => agencyMails.includes(a))).toBe(true);
    expect(h.mail.of(c.caseId, 'reminder').find((m) => m.subject.includes('答复期限'))!.text).toContain('当前环节为“待答复”');

    // The department misses its rectification filing: that clock alone is marked overdue.
    await h.clock.advanceTo(plus1s(rect.dueAt));
    now = await h.sb.get(c.caseId);
    expect(now.phase).toBe('rectification');
    expect(clockOf(now, 'rectification').overdueAt).toBe(plus1s(rect.dueAt));
    expect(clockOf(now, 'follow_up').overdueAt).toBeUndefined();
    expect(clockOf(now, 'reply').overdueAt).toBeUndefined();
    expect(now.flags.overdue).toBe(true);
    expect(h.mail.of(c.caseId, 'overdue_alert').map((m) => m.subject)).toEqual([expect.stringContaining('整改报备期限已届满')]);

    // The result call is reached and the agency visits, both in time, while the rectification is still missing.
    const callId = now.contacts!.find((x) => x.kind === 'result_feedback' && x.status === 'pending')!.id;
    now = await act(h, c.caseId, OWNER, { action: 'record-contact', contactId: callId, outcome: 'reached' });
    expect(now.phase).toBe('rectification');
    expect(now.reply).toMatchObject({ method: 'phone' });
    now = await act(h, c.caseId, AGENCY, { action: 'record-follow-up', satisfaction: 'basically_satisfied' });
    expect(now.phase).toBe('rectification');
    const visited = clockOf(now, 'follow_up');
    expect(visited.metAt).toBeDefined();
    expect(Date.parse(visited.metAt!)).toBeLessThanOrEqual(Date.parse(visit.dueAt));
    expect(visited.overdueAt).toBeUndefined();

    // Past the follow-up's due time nothing more is marked; the late filing then archives the case.
    await h.clock.advanceTo(plus1s(visit.dueAt));
    const end = await act(h, c.caseId, OWNER, { action: 'file-rectification', summary: '已制作一次性告知清单并在窗口公示。' });
    expect(end.phase).toBe('archived');
    expect(clockOf(end, 'follow_up').overdueAt).toBeUndefined();
    expect(clockOf(end, 'reply').overdueAt).toBeUndefined();
    expect(clockOf(end, 'rectification')).toMatchObject({ overdueAt: plus1s(rect.dueAt), metAt: expect.any(String) });
    timeline = await h.sb.timeline(c.caseId);
    expect(timeline.filter((e) => e.type === 'overdue_marked').map((e) => e.data?.clock)).toEqual(['rectification']);
    expect(h.mail.of(c.caseId, 'overdue_alert')).toHaveLength(1);
    expect(timeline.slice(-4).map((e) => e.type)).toEqual(['replied', 'follow_up_recorded', 'rectification_filed', 'archived']);
    expect(h.sb.workflow.executionsOf(c.caseId).every((e) => e.status !== 'running')).toBe(true);
  });
});
