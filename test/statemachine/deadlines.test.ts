/** Reminder, then overdue mark and escalation, then a late conclusion (art. 14(2), art. 20). */
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();

it('reminds at the policy lead, marks overdue at the due time, keeps the mark after a late conclusion', async () => {
  const h = harness();
  const r = await h.run('reminder-overdue-late');
  expectOk(r);
  const result = r.record.deadlines.find((d) => d.clock === 'result')!;
  const reminder = r.timeline.find((e) => e.type === 'reminder_sent')!;
  const overdue = r.timeline.find((e) => e.type === 'overdue_marked')!;
  // Released by the clock at exactly the computed instants: 09:00 one working day before, and 00:00 after the due day.
  expect(Date.parse(reminder.at)).toBe(Date.parse(h.sb.calendar.reminderAt(result.dueAt, 1)));
  expect(Date.parse(overdue.at)).toBe(Date.parse(result.dueAt) + 1000);
  expect(result.overdueAt).toBe(overdue.at);
  expect(result.metAt).toBeDefined();
  expect(r.record.flags.overdue).toBe(true);
  // Each timeout adds Handle Deadline, Route By Phase, Prepare Wait and Await again: 4 transitions.
  expect(statesOf(h, r.caseId).filter((s) => s === 'Handle Handling Deadline')).toHaveLength(2);
  expect(r.transitions).toBe(26 + 2 * 4);
  const agencyMails = h.sb.jurisdiction.agency.contacts.map((c) => c.email);
  expect(h.mail.of(r.caseId, 'overdue_alert')[0]!.to.some((a) => agencyMails.includes(a))).toBe(true);
});

it('a wait without a deadline (classification) wakes only at the cap, finds nothing due and waits again', async () => {
  const h = harness();
  const filed = await h.sb.file({
    channel: 'web',
    sourceKey: 'test:deadlines:classification',
    receivedAt: h.clock.now().toISOString(),
    receivedBy: { department: 'SCJGJ' },
    complainant: { name: '王某', phone: '13700000000', anonymous: false, wantsReply: true, confidential: false },
    respondent: { unitCode: 'SCJGJ' },
    matter: '办事指南与窗口要求不一致',
    facts: '指南写明无需复印件，窗口要求提供',
    evidence: [],
  });
  await h.sb.workflow.idle();
  await h.sb.act(filed.caseId, { role: 'department', id: 'r', department: 'SCJGJ' }, { action: 'accept' });
  await h.sb.workflow.idle();
  const c = await h.sb.get(filed.caseId);
  expect(c.phase).toBe('classification');
  expect(c.waiting?.dueAt).toBeUndefined();
  const before = (await h.sb.timeline(c.caseId)).length;
  await h.clock.advanceBy(2_000_000 * 1000 + 1000);
  const after = await h.sb.get(c.caseId);
  expect(after.phase).toBe('classification');
  expect(after.waiting?.taskToken).not.toBe(c.waiting?.taskToken);
  expect((await h.sb.timeline(c.caseId)).length).toBe(before);
  expect(statesOf(h, c.caseId)).toContain('Handle Classification Deadline');
});
