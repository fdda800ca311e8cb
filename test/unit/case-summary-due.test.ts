/**
 * The queue row's due time: once a case's own clock is overdue (and no waiting step carries a due time, as between
 * two tasks), the row still shows that due time with a negative number of working days, not nothing.
 */
import { caseSummary } from '../../functions/api/routes/staff';
import type { StaffRouteDeps } from '../../functions/api/routes/staff';
import { AGENCY, calendar, caseIn, jurisdiction, rules } from '../fixtures/lifecycle';

const depsAt = (now: string) => ({ calendar, jurisdiction, rules, clock: { now: () => new Date(now) } }) as unknown as StaffRouteDeps;

describe('caseSummary: due time and working days left', () => {
  it('shows the phase clock after it went overdue, with negative working days', () => {
    const c = caseIn('acceptance').c;
    const acceptance = c.deadlines.find((d) => d.metAt === undefined)!;
    expect(acceptance).toBeDefined();
    const overdue = { ...c, waiting: undefined, deadlines: c.deadlines.map((d) => (d === acceptance ? { ...d, overdueAt: '2025-03-10T09:00:00+08:00' } : d)) };
    const row = caseSummary(depsAt('2025-03-12T10:00:00+08:00'), AGENCY, overdue);
    expect(row.dueAt).toBe(acceptance.dueAt);
    expect(row.workingDaysLeft).toBeLessThan(0);
  });

  it('shows the running clock while it is not yet due', () => {
    const c = caseIn('acceptance').c;
    const row = caseSummary(depsAt('2025-03-03T16:00:00+08:00'), AGENCY, { ...c, waiting: undefined });
    expect(row.dueAt).toBe(c.deadlines.find((d) => d.metAt === undefined)!.dueAt);
    expect(row.workingDaysLeft).toBeGreaterThanOrEqual(0);
  });
});
