/**
 * Shared set-up of the state-machine tests: the real ASL on the in-process engine, the dynalite-backed case
 * store, the real intake and action services, and a manual clock that releases the engine's sleepers in order.
 */
import { ManualClock } from '../../infra/local/clock';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import type { LifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { LIFECYCLE_SCENARIOS, runScenario } from '../../infra/local/lifecycle-scenarios';
import type { Scenario, ScenarioResult } from '../../infra/local/lifecycle-scenarios';

/** Monday 2025-03-03 10:00 in Shanghai: an ordinary working week (no holiday until 清明节 on 04-04). */
export const T0 = '2025-03-03T10:00:00+08:00';

export interface Harness {
  sb: LifecycleSandbox;
  clock: ManualClock;
  mail: MemoryMailSender;
  run(id: string | Scenario): Promise<ScenarioResult>;
}

/** Opens one sandbox for the test file (beforeAll) and closes it (afterAll). */
export function useHarness(): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    const clock = new ManualClock(T0);
    const mail = new MemoryMailSender();
    const sb = await openLifecycleSandbox({ clock, mail, retryIntervalMs: 5 });
    clock.setSettle(() => sb.workflow.idle());
    h = {
      sb,
      clock,
      mail,
      run: (id) => runScenario(sb, typeof id === 'string' ? scenario(id) : id, { advanceTo: (i) => clock.advanceTo(i) }),
    };
  });
  afterAll(async () => {
    await h?.sb.close();
  });
  return () => {
    if (!h) throw new Error('harness not open');
    return h;
  };
}

export function scenario(id: string): Scenario {
  const s = LIFECYCLE_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

/** Fails with the scenario's problems listed (a clearer message than `expect(ok).toBe(true)`). */
export function expectOk(r: ScenarioResult): void {
  expect(r.problems).toEqual([]);
  expect(r.ok).toBe(true);
}

/** The states the case's (single) execution went through. */
export function statesOf(h: Harness, caseId: string): string[] {
  return h.sb.workflow.executionsOf(caseId).flatMap((e) => e.states);
}
