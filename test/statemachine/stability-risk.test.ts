/** Stability risk (art. 9(2)): screening flags it and reports to the leader at once; handling goes on. */
import { expectOk, useHarness } from './harness';

const harness = useHarness();

it('reports to the leader at screening and still runs the case to the archive', async () => {
  const h = harness();
  const r = await h.run('stability-risk');
  expectOk(r);
  const leader = h.sb.jurisdiction.agency.leader.email;
  const alerts = h.mail.of(r.caseId, 'stability_risk');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.to).toContain(leader);
  const screened = r.timeline.find((e) => e.type === 'screened')!;
  // Reported at screening time, before any staff action.
  expect(r.timeline.findIndex((e) => e.type === 'dispatched')).toBeGreaterThan(r.timeline.indexOf(screened));
  expect(r.record.flags.stabilityRisk).toBe(true);
});
