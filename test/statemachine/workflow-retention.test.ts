/**
 * What the local workflow keeps of ended executions (issue 26 item 4): the most recent `keepFinished` summaries,
 * names up to 100 times as many (so that `start` stays idempotent), and an index by case, so that memory follows
 * the running executions, not every execution since start. `executionsOf` reads one case's executions only.
 */
import { ManualClock } from '../../infra/local/clock';
import { LocalWorkflow } from '../../infra/local/workflow';
import type { LifecycleTasks } from '../../shared/services/lifecycle-tasks';

const T0 = '2025-03-03T09:00:00+08:00';

/** Every case ends after screening (archived at once): the execution succeeds at once. */
const tasks = (): LifecycleTasks => ({
  screenCase: async () => ({ phase: 'archived' }),
  prepareWait: async () => ({ phase: 'archived', timeoutSeconds: 1, wakeUpAt: T0 }),
  awaitAction: async () => ({ phase: 'archived', waiting: false }),
  handleDeadline: async () => ({ phase: 'archived' }),
  archiveCase: async () => ({ phase: 'archived' }),
  recordFailure: async () => ({ recorded: true }),
});

test('ended executions are retained up to keepFinished (the most recent), names for idempotency up to 100×', async () => {
  const wf = new LocalWorkflow({ clock: new ManualClock(T0), tasks, retryIntervalMs: 1, keepFinished: 3 });
  for (let i = 1; i <= 8; i += 1) await wf.start(`C-${i}`, { caseId: `C-${i}` }, `C-${i}`);
  const ended = await wf.drain();
  expect(ended.map((s) => [s.name, s.status])).toEqual([
    ['C-6', 'succeeded'],
    ['C-7', 'succeeded'],
    ['C-8', 'succeeded'],
  ]);
  expect(wf.retained()).toEqual({ summaries: 3, names: 8, cases: 3 });
  expect(wf.executionsOf('C-8').map((s) => s.name)).toEqual(['C-8']);
  expect(wf.executionsOf('C-1')).toEqual([]);
  // Still idempotent for a name whose summary is gone.
  expect(await wf.start('C-1', { caseId: 'C-1' }, 'C-1')).toEqual({ executionId: 'local:C-1', alreadyRunning: true });
  expect(wf.engine.running()).toHaveLength(0);
});

test('names are bounded too, and a case keeps the index of its running execution when its old ones are dropped', async () => {
  const wf = new LocalWorkflow({ clock: new ManualClock(T0), tasks, retryIntervalMs: 1, keepFinished: 0 });
  for (let i = 1; i <= 150; i += 1) await wf.start(`C-${i}`, { caseId: `C-${i}` }, `C-${i}`);
  await wf.drain();
  // keepFinished 0: no summary; names bounded at max(0 × 100, 1).
  expect(wf.retained()).toEqual({ summaries: 0, names: 1, cases: 0 });
  await wf.start('C-2', { caseId: 'C-2' }, 'C-2-resume-2');
  expect(wf.executionsOf('C-2').map((s) => s.name)).toEqual(['C-2-resume-2']);
  await wf.drain();
  expect(wf.retained().cases).toBe(0);
});
