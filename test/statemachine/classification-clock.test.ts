/**
 * A case left waiting for classification (art. 14(2)): the result clock runs from the receipt of the slip, so
 * the real ASL on the in-process engine wakes it for the reminder and for the overdue mark at the computed
 * instants (manual clock); then it is classified and concluded, and the mark stays (art. 20).
 */
import type { Scenario } from '../../infra/local/lifecycle-scenarios';
import { expectOk, scenario, statesOf, useHarness } from './harness';

const harness = useHarness();

const D1 = 'SCJGJ';

describe('classification wait with the result clock (art. 14(2), art. 20)', () => {
  it('dispatched case: reminder and overdue mark while unclassified, then transfer (same due time) and late conclusion', async () => {
    const h = harness();
    // The transfer path with the clock moved to the reminder and past the due time before classify.
    const transfer = scenario('transfer');
    const s: Scenario = {
      id: 'classification-reminder-overdue',
      title: '待分类期间到期提醒、超期记录，转办后按原期限（已超期）办结',
      articles: ['第十四条第（二）项', '第二十条'],
      intake: transfer.intake,
      steps: [...transfer.steps.slice(0, 2), { kind: 'advance', to: 'reminder' }, { kind: 'advance', to: 'overdue' }, ...transfer.steps.slice(2)],
      expect: {
        phase: 'archived',
        outcome: 'concluded',
        overdue: true,
        events: ['dispatched', 'accepted', 'reminder_sent', 'overdue_marked', 'classified', 'concluded', 'archived'],
        notices: ['reminder', 'overdue_alert'],
      },
    };
    const r = await h.run(s);
    expectOk(r);

    const results = r.record.deadlines.filter((d) => d.clock === 'result');
    expect(results).toHaveLength(1); // transfer kept the clock started at acceptance
    const result = results[0]!;
    const slip = r.record.assignments.find((a) => a.role === 'owner')!;
    expect(result.startedAt).toBe(slip.assignedAt);
    expect(result.dueAt).toBe(h.sb.calendar.addWorkingDays(slip.assignedAt, 3).dueAt);

    const reminder = r.timeline.find((e) => e.type === 'reminder_sent')!;
    const overdue = r.timeline.find((e) => e.type === 'overdue_marked')!;
    expect(reminder.phase).toBe('classification');
    expect(overdue.phase).toBe('classification');
    expect(Date.parse(reminder.at)).toBe(Date.parse(h.sb.calendar.reminderAt(result.dueAt, 1)));
    expect(Date.parse(overdue.at)).toBe(Date.parse(result.dueAt) + 1000);
    expect(result.remindedAt).toBe(reminder.at);
    expect(result.overdueAt).toBe(overdue.at);
    expect(result.metAt).toBeDefined();
    expect(r.timeline.filter((e) => e.type === 'overdue_marked')).toHaveLength(1);
    expect(r.record.flags.overdue).toBe(true);

    // Each wake-up is Handle, Route, Prepare and Await again: 4 transitions over the 23 of the plain path.
    expect(statesOf(h, r.caseId).filter((x) => x === 'Handle Classification Deadline')).toHaveLength(2);
    expect(r.transitions).toBe(23 + 2 * 4);
    const agencyMails = h.sb.jurisdiction.agency.contacts.map((c) => c.email);
    expect(h.mail.of(r.caseId, 'overdue_alert')[0]!.to.some((a) => agencyMails.includes(a))).toBe(true);
    const rep = h.sb.jurisdiction.departments.find((d) => d.code === D1)!.chiefRepresentative.email;
    expect(h.mail.of(r.caseId, 'reminder')[0]!.to).toContain(rep);
  });

  it('department-received case: clock from the receipt; once marked overdue the wait wakes only at the cap; then general concludes it', async () => {
    const h = harness();
    const filed = await h.sb.file({
      channel: 'web',
      sourceKey: 'test:classification-clock:dept',
      receivedAt: h.clock.now().toISOString(),
      receivedBy: { department: D1 },
      complainant: { name: '王某', phone: '13700000000', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unitCode: D1 },
      matter: '办事指南与窗口要求不一致',
      facts: '指南写明无需复印件，窗口要求提供',
      evidence: [],
    });
    await h.sb.workflow.idle();
    const owner = { role: 'department' as const, id: 'r', department: D1 };
    await h.sb.act(filed.caseId, owner, { action: 'accept' });
    await h.sb.workflow.idle();
    const c = await h.sb.get(filed.caseId);
    expect(c.phase).toBe('classification');
    const due = h.sb.calendar.addWorkingDays(c.receivedAt, 3).dueAt;
    expect(c.waiting).toMatchObject({ step: 'classification', dueAt: due, remindAt: h.sb.calendar.reminderAt(due, 1) });

    await h.clock.advanceTo(c.waiting!.remindAt!);
    expect((await h.sb.get(c.caseId)).deadlines.find((d) => d.clock === 'result')?.remindedAt).toBe(new Date(c.waiting!.remindAt!).toISOString());
    await h.clock.advanceTo(new Date(Date.parse(due) + 1000).toISOString());
    const marked = await h.sb.get(c.caseId);
    expect(marked.phase).toBe('classification');
    expect(marked.flags.overdue).toBe(true);
    expect(marked.waiting?.dueAt).toBe(due);
    expect(marked.waiting?.remindAt).toBeUndefined();

    // The only wait without a wake-up left: a clock already marked overdue. It wakes at the cap, finds nothing
    // due, records nothing and waits again.
    const before = (await h.sb.timeline(c.caseId)).length;
    await h.clock.advanceBy(2_000_000 * 1000 + 1000);
    const again = await h.sb.get(c.caseId);
    expect(again.phase).toBe('classification');
    expect(again.waiting?.taskToken).not.toBe(marked.waiting?.taskToken);
    expect((await h.sb.timeline(c.caseId)).length).toBe(before);

    await h.sb.act(c.caseId, owner, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '当场解释清楚。' });
    await h.sb.workflow.idle();
    await h.sb.act(c.caseId, owner, { action: 'reply', method: 'in_person', summary: '当场说明。' });
    await h.sb.workflow.idle();
    await h.sb.act(c.caseId, { role: 'agency', id: 'a' }, { action: 'record-follow-up', satisfaction: 'satisfied' });
    await h.sb.workflow.idle();
    const end = await h.sb.get(c.caseId);
    expect(end.phase).toBe('archived');
    expect(end.archive?.at).toBeDefined();
    expect(end.deadlines.filter((d) => d.clock === 'result')).toEqual([
      expect.objectContaining({ startedAt: c.receivedAt, dueAt: due, overdueAt: marked.deadlines.find((d) => d.clock === 'result')!.overdueAt, metAt: expect.any(String) }),
    ]);
    expect(end.flags.overdue).toBe(true);
    const types = (await h.sb.timeline(c.caseId)).map((e) => e.type);
    expect(types.filter((t) => t === 'overdue_marked')).toHaveLength(1);
    // The result call task is made at the conclusion; the reply given in person completes the reply (art. 16).
    expect(types.slice(-5)).toEqual(['concluded', 'contact_task_created', 'replied', 'follow_up_recorded', 'archived']);
    expect(h.sb.workflow.executionsOf(c.caseId).every((e) => e.status !== 'running')).toBe(true);
  });
});
