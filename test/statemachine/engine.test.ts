/**
 * The in-process engine on the REAL life-cycle ASL with scripted task functions (no store): the callback
 * pattern, clock-driven timeouts caught by the ASL's Catch on States.Timeout, resumeFrom, failure path,
 * transition counting, stale tokens and stop.
 */
import { ManualClock } from '../../infra/local/clock';
import { LocalEngine, TaskTimedOutError } from '../../infra/local/engine';
import type { TaskFunction } from '../../infra/local/engine';

const T0 = '2025-03-03T09:00:00+08:00';

/** A scripted case: phase per id, advanced by the test; the await task records its token. */
function scripted(clock: ManualClock) {
  const state = { phase: 'received', token: undefined as string | undefined, deadlines: 0, wakeUpAt: new Date(Date.parse(T0) + 3600_000).toISOString(), calls: [] as string[] };
  const ref: { engine?: LocalEngine } = {};
  const tasks: Record<string, TaskFunction> = {
    ScreenCaseFunctionArn: async () => {
      state.calls.push('screen');
      state.phase = 'acceptance';
      return { phase: state.phase };
    },
    PrepareWaitFunctionArn: async (p) => {
      state.calls.push(`prepare:${String(p.step)}`);
      const s = Math.max(1, Math.ceil((Date.parse(state.wakeUpAt) - clock.now().getTime()) / 1000));
      return { phase: state.phase, timeoutSeconds: s, wakeUpAt: state.wakeUpAt };
    },
    AwaitActionFunctionArn: async (p) => {
      state.calls.push(`await:${String(p.step)}`);
      if (p.step !== state.phase) {
        ref.engine!.sendTaskSuccess(String(p.taskToken), { phase: state.phase });
        return { waiting: false };
      }
      state.token = String(p.taskToken);
      return { waiting: true };
    },
    HandleDeadlineFunctionArn: async (p) => {
      state.calls.push(`deadline:${String(p.step)}`);
      state.deadlines += 1;
      state.wakeUpAt = new Date(Date.parse(state.wakeUpAt) + 3600_000).toISOString();
      return { phase: state.phase };
    },
    ArchiveCaseFunctionArn: async () => {
      state.calls.push('archive');
      return { phase: 'archived' };
    },
    RecordFailureFunctionArn: async (p) => {
      state.calls.push(`failure:${JSON.stringify(p.error)}`);
      return { recorded: true };
    },
  };
  const engine = new LocalEngine({ tasks, clock, retryIntervalMs: 1 });
  ref.engine = engine;
  return { engine, state };
}

const settle = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
};

describe('in-process engine on the real ASL', () => {
  it('parks in a callback task, times out on the clock into the Handle Deadline state, and completes by token', async () => {
    const clock = new ManualClock(T0);
    const { engine, state } = scripted(clock);
    const exec = engine.run('case-1', { caseId: 'case-1' });
    await settle();
    expect(exec.parked).toBe(true);
    expect(state.calls).toEqual(['screen', 'prepare:acceptance', 'await:acceptance']);

    await clock.advanceTo(Date.parse(T0) + 3600_000);
    await settle();
    expect(state.deadlines).toBe(1);
    expect(exec.states).toContain('Handle Acceptance Deadline');

    state.phase = 'archived';
    engine.sendTaskSuccess(state.token!, { phase: 'archived', action: 'reject' });
    const summary = await exec.done;
    expect(summary.status).toBe('succeeded');
    expect(summary.states).toEqual([
      'Choose Starting Point',
      'Screen Case',
      'Route By Phase',
      'Prepare Acceptance Wait',
      'Await Acceptance Decision',
      'Handle Acceptance Deadline',
      'Route By Phase',
      'Prepare Acceptance Wait',
      'Await Acceptance Decision',
      'Route By Phase',
      'Archive Case',
      'Case Closed',
    ]);
    expect(summary.transitions).toBe(12);
    expect(() => engine.sendTaskSuccess(state.token!, { phase: 'archived' })).toThrow(TaskTimedOutError);
  });

  it('resumes from a recorded phase without screening', async () => {
    const clock = new ManualClock(T0);
    const { engine, state } = scripted(clock);
    state.phase = 'reply';
    const exec = engine.run('case-2', { caseId: 'case-2', resumeFrom: 'reply' });
    await settle();
    expect(state.calls).toEqual(['prepare:reply', 'await:reply']);
    state.phase = 'merged';
    engine.sendTaskSuccess(state.token!, { phase: 'merged', action: 'merge' });
    const summary = await exec.done;
    expect(summary.status).toBe('succeeded');
    expect(summary.states.at(-1)).toBe('Case Merged');
  });

  it('routes a task failure through Record Failure to the Fail state', async () => {
    const clock = new ManualClock(T0);
    const { engine, state } = scripted(clock);
    const failing = new LocalEngine({
      tasks: {
        ...Object.fromEntries(engine.tasks.map((t) => [t.substitution, async () => ({})])),
        RecordFailureFunctionArn: async (p) => (state.calls.push(`failure:${JSON.stringify(p.error)}`), {}),
        ScreenCaseFunctionArn: async () => {
          const e = new Error('不可用');
          e.name = 'CalendarDataMissingError';
          throw e;
        },
      },
      clock,
      retryIntervalMs: 1,
    });
    const summary = await failing.run('case-3', { caseId: 'case-3' }).done;
    expect(summary.status).toBe('failed');
    expect(summary.error?.name).toBe('Tousu.LifecycleFailed');
    expect(summary.states).toEqual(['Choose Starting Point', 'Screen Case', 'Record Failure', 'Lifecycle Failed']);
    expect(state.calls[0]).toContain('CalendarDataMissingError');
  });

  it('retries a transient error (ConcurrentUpdateError) and counts the retry as a transition', async () => {
    const clock = new ManualClock(T0);
    const { engine } = scripted(clock);
    let attempts = 0;
    const flaky = new LocalEngine({
      tasks: {
        ...Object.fromEntries(engine.tasks.map((t) => [t.substitution, async () => ({})])),
        ScreenCaseFunctionArn: async () => {
          attempts += 1;
          if (attempts === 1) {
            const e = new Error('race');
            e.name = 'ConcurrentUpdateError';
            throw e;
          }
          return { phase: 'merged' };
        },
      },
      clock,
      retryIntervalMs: 1,
    });
    const summary = await flaky.run('case-4', { caseId: 'case-4' }).done;
    expect(summary.status).toBe('succeeded');
    expect(attempts).toBe(2);
    expect(summary.transitions).toBe(summary.states.length + 1);
  });

  it('aborts a parked execution on stop and leaves no timer behind', async () => {
    const clock = new ManualClock(T0);
    const { engine } = scripted(clock);
    const exec = engine.run('case-5', { caseId: 'case-5' });
    await settle();
    expect(exec.parked).toBe(true);
    exec.abort();
    await engine.settled();
    const summary = await exec.done;
    expect(summary.status).toBe('aborted');
    expect(engine.running()).toHaveLength(0);
  });
});
