/** Termination (art. 19) from every waiting phase → archived with outcome terminated. */
import { LIFECYCLE_SCENARIOS } from '../../infra/local/lifecycle-scenarios';
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();
const phases = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'];

it('has a termination scenario for every waiting phase', () => {
  expect(LIFECYCLE_SCENARIOS.filter((s) => s.id.startsWith('terminate-')).map((s) => s.id.slice('terminate-'.length))).toEqual(phases);
});

describe.each(phases)('terminate while waiting in %s', (phase) => {
  it('archives the case as terminated with its art. 19 reason', async () => {
    const h = harness();
    const r = await h.run(`terminate-${phase}`);
    expectOk(r);
    // The waiting steps passed through (a step re-entered after an action that keeps the phase, such as a 补正
    // reminder, or after a reminder or overdue wake-up, counts once).
    const awaited = [...new Set(statesOf(h, r.caseId).filter((s) => s.startsWith('Await ')))];
    // A complainant with mail is replied by the result mail at the conclusion and never waits in reply; the
    // reply scenario's complainant has a phone only and waits there for the result call.
    expect(awaited).toHaveLength(phase === 'follow_up' ? phases.indexOf(phase) : phases.indexOf(phase) + 1);
    expect(statesOf(h, r.caseId).slice(-2)).toEqual(['Archive Case', 'Case Closed']);
    expect(r.record.outcome).toMatchObject({ kind: 'terminated' });
  });
});
