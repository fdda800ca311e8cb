/** Not accepted (arts. 8, 9): each art. 8 reason ends in a notice naming where to go, then the archive. */
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();

describe.each(['art8-1', 'art8-2', 'art8-3', 'art8-4', 'art8-5', 'art8-6'])('not accepted for %s', (reason) => {
  it('archives with outcome not_accepted and tells the complainant', async () => {
    const h = harness();
    const r = await h.run(`not-accepted-${reason}`);
    expectOk(r);
    expect(r.record.outcome).toMatchObject({ kind: 'not_accepted', reason });
    expect(h.mail.of(r.caseId, 'not_accepted')[0]!.to).toContain('complainant@example.com');
    expect(statesOf(h, r.caseId)).toEqual([
      'Choose Starting Point',
      'Screen Case',
      'Route By Phase',
      'Prepare Acceptance Wait',
      'Await Acceptance Decision',
      'Route By Phase',
      'Archive Case',
      'Case Closed',
    ]);
    expect(r.transitions).toBe(8);
    if (reason === 'art8-1') expect(r.record.outcome).toMatchObject({ transferredTo12345: true });
  });
});
