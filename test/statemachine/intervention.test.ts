/** Intervention (art. 14(3)): the agency names a lead unit and co-handlers and sets the deadline. */
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();

it('intervention path: lead unit and co-handler assigned, agency-set deadline, concluded by the lead unit', async () => {
  const h = harness();
  const r = await h.run('intervention');
  expectOk(r);
  const roles = r.record.assignments.map((a) => `${a.department}:${a.role}`);
  expect(roles).toEqual(expect.arrayContaining(['ZRZYGHJ:lead', 'BDCDJ:co_handler']));
  expect(r.record.classification).toBe('intervention');
  expect(r.record.conclusion?.finding).toBe('partial');
  // designate-lead changes the deadline while the case stays in handling: the machine waits again.
  expect(statesOf(h, r.caseId).filter((s) => s === 'Await Handling Result')).toHaveLength(2);
  expect(r.transitions).toBe(26);
});
