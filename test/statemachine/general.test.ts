/** General complaint (art. 14(1)): received by the department, settled on the spot, reply, follow-up, archive. */
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();

it('general path: no dispatch, no handling wait, concluded at classification', async () => {
  const h = harness();
  const r = await h.run('general');
  expectOk(r);
  const states = statesOf(h, r.caseId);
  expect(states).not.toContain('Prepare Dispatch Wait');
  expect(states).not.toContain('Prepare Handling Wait');
  expect(states).not.toContain('Prepare Rectification Wait');
  expect(r.record.classification).toBe('general');
  expect(r.record.conclusion?.finding).toBe('unfounded');
  expect(r.transitions).toBe(14);
});
