/** Extension (art. 14(2)): before the due time and within the policy limit; refused when too long or late. */
import { expectOk, useHarness } from './harness';

const harness = useHarness();

describe('extension', () => {
  it('accepted: new due date, original kept, complainant and agency notified, the wait follows the new date', async () => {
    const h = harness();
    const r = await h.run('extension-accepted');
    expectOk(r);
    const d = r.record.deadlines.find((x) => x.clock === 'result')!;
    expect(d.extended).toBe(true);
    expect(d.originalDueAt).toBeDefined();
    expect(Date.parse(d.dueAt)).toBeGreaterThan(Date.parse(d.originalDueAt!));
    // The reminder came for the NEW due date, not the original one.
    const reminder = r.timeline.find((e) => e.type === 'reminder_sent')!;
    expect(Date.parse(reminder.at)).toBe(Date.parse(h.sb.calendar.reminderAt(d.dueAt, 1)));
    const to = h.mail.of(r.caseId, 'extension').flatMap((m) => m.to);
    expect(to).toContain('complainant@example.com');
    // The extension re-enters the wait (Route, Prepare, Await: +3); the reminder timeout adds Handle, Route, Prepare, Await (+4).
    expect(r.transitions).toBe(23 + 3 + 4);
  });

  it('refused when the new date is beyond the limit (15 working days)', async () => {
    const r = await harness().run('extension-refused-too-long');
    expectOk(r);
    expect(r.record.deadlines.find((x) => x.clock === 'result')!.extended).toBeUndefined();
    expect(r.transitions).toBe(23);
  });

  it('refused after the due time; the overdue mark stays', async () => {
    const r = await harness().run('extension-refused-late');
    expectOk(r);
    expect(r.record.flags.overdue).toBe(true);
  });
});
