/**
 * The embedded runtime counts what Lambda counts, under the same names (shared/services/metrics.ts): its
 * composition hands one in-process Counters adapter to the intake core, the life-cycle tasks and the dead-letter
 * parking, and the admin status shows the totals.
 */
import { MemoryCounters } from '../../shared/adapters/memory/counters';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { submitIntake } from '../../shared/intake/core';
import { parkingSubmit, IntakeParkedError } from '../../shared/services/dead-letters';
import { METRICS } from '../../shared/services/metrics';
import { OVERDUE_METRIC } from '../../shared/services/lifecycle-tasks';
import type { Workflow } from '../../shared/ports';
import { ManualClock } from '../../infra/local/clock';
import { composeEmbedded } from '../../infra/local/composition';
import type { EmbeddedComposition } from '../../infra/local/composition';
import { sampleIntake } from '../fixtures/channels/harness';

const workflow: Workflow = {
  start: async (caseId) => ({ executionId: `local:${caseId}`, alreadyRunning: false }),
  sendTaskSuccess: async () => undefined,
  sendTaskFailure: async () => undefined,
};

describe('embedded runtime metrics: the names Lambda emits, counted in process', () => {
  let c: EmbeddedComposition<ManualClock>;
  beforeEach(async () => {
    c = await composeEmbedded({ jurisdiction: '510903', clock: new ManualClock(new Date('2026-03-02T01:30:00Z')), mail: new MemoryMailSender(), asDeployed: false });
  });
  afterEach(async () => {
    await c.close();
  });

  it('one counter for the intake core and the life-cycle tasks', () => {
    expect(c.intakeDeps(workflow).metrics).toBe(c.metrics);
    expect(c.lifecycleDeps().metrics).toBe(c.metrics);
    expect(OVERDUE_METRIC).toBe(METRICS.overdue);
  });

  it('counts a new case and a replay of the same delivery', async () => {
    const intake = sampleIntake({ sourceKey: 'web:metrics-0001' });
    await submitIntake(c.intakeDeps(workflow), intake);
    await submitIntake(c.intakeDeps(workflow), intake);
    expect(c.metrics.snapshot()).toEqual({ [METRICS.intakeCreated]: 1, [METRICS.intakeReplayed]: 1 });
  });

  it('counts a valid intake parked as a dead letter when filing fails', async () => {
    const failing = parkingSubmit({ deadLetters: c.deadLetters, clock: c.clock, jurisdiction: '510903', metrics: c.metrics }, async () => {
      throw new Error('store down');
    });
    await expect(failing(sampleIntake({ sourceKey: 'web:metrics-0002' }) as never)).rejects.toBeInstanceOf(IntakeParkedError);
    expect(c.metrics.snapshot()).toEqual({ [METRICS.deadLetterParked]: 1 });
  });

  it('the adapter ignores zero, negative and non-finite counts', () => {
    const m = new MemoryCounters();
    m.count('X', 0);
    m.count('X', -1);
    m.count('X', Number.NaN);
    m.count('X');
    m.count('X', 2);
    expect(m.snapshot()).toEqual({ X: 3 });
  });
});
