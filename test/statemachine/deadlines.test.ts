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
  expect(r.transitions).toBe(23 + 2 * 4);
  const agencyMails = h.sb.jurisdiction.agency.contacts.map((c) => c.email);
  expect(h.mail.of(r.caseId, 'overdue_alert')[0]!.to.some((a) => agencyMails.includes(a))).toBe(true);
});

// The wait without a wake-up (a clock already marked overdue) waking at the cap: classification-clock.test.ts.
