/**
 * The engine's task lane (LocalEngineOptions.taskConcurrency): the runtime lowers it while HTTP requests are in
 * flight. Task functions beyond the limit wait in order; a callback task's wait for its token holds no place; a
 * limit below one still lets one task run (screening is never starved); raising the limit and calling
 * admitTasks() lets the waiting ones in.
 */
import { ManualClock } from '../../infra/local/clock';
import { LocalEngine, TaskLane } from '../../infra/local/engine';
import type { TaskFunction } from '../../infra/local/engine';

const T0 = '2025-03-03T09:00:00+08:00';

function gatedEngine(limit: { n: number }) {
  const clock = new ManualClock(T0);
  let running = 0;
  let maxRunning = 0;
  const order: string[] = [];
  const gates: (() => void)[] = [];
  const tasks: Record<string, TaskFunction> = {
    ScreenCaseFunctionArn: async (p) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      order.push(String(p.caseId));
      await new Promise<void>((r) => gates.push(r));
      running -= 1;
      return { phase: 'acceptance' };
    },
    PrepareWaitFunctionArn: async () => ({ phase: 'acceptance', timeoutSeconds: 3600, wakeUpAt: new Date(Date.parse(T0) + 3600_000).toISOString() }),
    AwaitActionFunctionArn: async () => ({ waiting: true }),
    HandleDeadlineFunctionArn: async () => ({ phase: 'acceptance' }),
    ArchiveCaseFunctionArn: async () => ({ phase: 'archived' }),
    RecordFailureFunctionArn: async () => ({ recorded: true }),
  };
  const engine = new LocalEngine({ tasks, clock, retryIntervalMs: 1, taskConcurrency: () => limit.n });
  return { engine, gates, order, stats: () => ({ running, maxRunning }) };
}

const settle = async () => {
  for (let i = 0; i < 30; i += 1) await new Promise((r) => setImmediate(r));
};

describe('engine task lane', () => {
  it('runs at most `limit` task functions at once, in arrival order, and admits more when the limit rises', async () => {
    const limit = { n: 2 };
    const { engine, gates, order, stats } = gatedEngine(limit);
    const execs = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => engine.run(id, { caseId: id }));
    await settle();
    expect(stats().running).toBe(2);
    expect(engine.taskLoad()).toEqual({ running: 2, queued: 3, dropped: 0 });
    expect(order).toEqual(['c1', 'c2']);

    // Raising the limit takes effect when the runtime says so (its last HTTP request ended).
    limit.n = 8;
    engine.admitTasks();
    await settle();
    expect(stats().running).toBe(5);
    expect(order).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);

    for (const g of gates.splice(0)) g();
    await settle();
    // Every execution went on to its callback task, which parks without holding a place in the lane.
    expect(execs.every((e) => e.parked)).toBe(true);
    expect(engine.taskLoad()).toEqual({ running: 0, queued: 0, dropped: 0 });
    for (const e of execs) e.abort();
    await engine.settled();
  });

  it('never starves: a limit of 0 still runs one task function at a time', async () => {
    const limit = { n: 0 };
    const { engine, gates, stats } = gatedEngine(limit);
    const execs = ['a', 'b', 'c'].map((id) => engine.run(id, { caseId: id }));
    for (let i = 0; i < 3; i++) {
      await settle();
      expect(stats().running).toBe(1);
      gates.shift()!();
    }
    await settle();
    expect(stats().maxRunning).toBe(1);
    expect(execs.every((e) => e.parked)).toBe(true);
    for (const e of execs) e.abort();
    await engine.settled();
  });

  it('a task still queued when its execution is aborted (the runtime stopping) never runs', async () => {
    const limit = { n: 1 };
    const { engine, gates, order } = gatedEngine(limit);
    const execs = ['s1', 's2', 's3'].map((id) => engine.run(id, { caseId: id }));
    await settle();
    expect(order).toEqual(['s1']);
    expect(engine.taskLoad()).toEqual({ running: 1, queued: 2, dropped: 0 });
    for (const e of execs) e.abort();
    gates.shift()!();
    await engine.settled();
    expect(order).toEqual(['s1']);
    expect(engine.taskLoad()).toEqual({ running: 0, queued: 0, dropped: 0 });
    const summaries = await Promise.all(execs.map((e) => e.done));
    expect(summaries.every((x) => x.status === 'aborted' || x.status === 'failed')).toBe(true);
  });

  it("an aborted execution's queued task leaves the lane at once, so the next one is admitted in its place", async () => {
    const { engine, gates, order } = gatedEngine({ n: 1 });
    const execs = ['q1', 'q2', 'q3'].map((id) => engine.run(id, { caseId: id }));
    await settle();
    expect(engine.taskLoad()).toEqual({ running: 1, queued: 2, dropped: 0 });
    execs[1]!.abort();
    await settle();
    expect(engine.taskLoad()).toEqual({ running: 1, queued: 1, dropped: 0 });
    gates.shift()!();
    await settle();
    expect(order).toEqual(['q1', 'q3']);
    for (const e of execs) e.abort();
    for (const g of gates.splice(0)) g();
    await engine.settled();
  });

  it('a task queued for an execution that ended meanwhile (a state timed out) is dropped, never run (issue 26)', async () => {
    // Screen holds the only place in the lane; Await's function queues behind it while the library times the
    // callback state out after 1 s (no Catch here), which ends that execution with States.Timeout.
    const definition = {
      StartAt: 'Which',
      States: {
        Which: { Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'await', Next: 'Await' }], Default: 'Screen' },
        Screen: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${ScreenCaseFunctionArn}', 'Payload.$': '$' }, TimeoutSeconds: 90, End: true },
        Await: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: '${AwaitActionFunctionArn}', Payload: { 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token' } },
          TimeoutSeconds: 1,
          End: true,
        },
      },
    };
    const gates: (() => void)[] = [];
    const called: string[] = [];
    const engine = new LocalEngine({
      definition,
      clock: new ManualClock(T0),
      taskConcurrency: () => 1,
      tasks: {
        ScreenCaseFunctionArn: async (p) => {
          called.push(`screen:${String(p.caseId)}`);
          await new Promise<void>((r) => gates.push(r));
          return { phase: 'acceptance' };
        },
        AwaitActionFunctionArn: async (p) => {
          called.push(`await:${String(p.caseId)}`);
          return { waiting: true };
        },
      },
    });
    const screen = engine.run('a', { caseId: 'a', kind: 'screen' });
    await settle();
    const waiting = engine.run('b', { caseId: 'b', kind: 'await' });
    await settle();
    expect(engine.taskLoad()).toEqual({ running: 1, queued: 1, dropped: 0 });
    const ended = await waiting.done;
    expect(ended.status).toBe('failed');
    expect(ended.error?.name).toBe('States.Timeout');
    expect(engine.taskLoad()).toEqual({ running: 1, queued: 0, dropped: 1 });
    gates.shift()!();
    expect((await screen.done).status).toBe('succeeded');
    await engine.settled();
    expect(called).toEqual(['screen:a']);
  });
});

describe('engine task lane: later-stage tasks before new screenings (issue 26)', () => {
  function recordingEngine(opts: { newWorkTasks?: string[] } = {}) {
    const clock = new ManualClock(T0);
    const order: string[] = [];
    const screenGates: (() => void)[] = [];
    const wake = new Date(Date.parse(T0) + 3600_000).toISOString();
    const tasks: Record<string, TaskFunction> = {
      ScreenCaseFunctionArn: async (p) => {
        order.push(`screen:${String(p.caseId)}`);
        await new Promise<void>((r) => screenGates.push(r));
        return { phase: 'acceptance' };
      },
      PrepareWaitFunctionArn: async (p) => {
        order.push(`prepare:${String(p.caseId)}`);
        return { phase: 'acceptance', timeoutSeconds: 3600, wakeUpAt: wake };
      },
      AwaitActionFunctionArn: async (p) => {
        order.push(`await:${String(p.caseId)}`);
        return { waiting: true };
      },
      HandleDeadlineFunctionArn: async () => ({ phase: 'acceptance' }),
      ArchiveCaseFunctionArn: async () => ({ phase: 'archived' }),
      RecordFailureFunctionArn: async () => ({ recorded: true }),
    };
    const engine = new LocalEngine({ tasks, clock, retryIntervalMs: 1, taskConcurrency: () => 1, ...opts });
    return { engine, order, screenGates };
  }

  it('a screened case prepares and enters its wait before the next queued screening runs', async () => {
    const { engine, order, screenGates } = recordingEngine();
    const execs = ['p1', 'p2', 'p3'].map((id) => engine.run(id, { caseId: id }));
    await settle();
    expect(order).toEqual(['screen:p1']);
    expect(engine.queuedByClass()).toEqual({ later: 0, new: 2 });

    screenGates.shift()!();
    await settle();
    // p1's "Prepare Acceptance Wait" and its await task went ahead of p2's and p3's screenings: p1 is parked.
    expect(order).toEqual(['screen:p1', 'prepare:p1', 'await:p1', 'screen:p2']);
    expect(execs.map((e) => e.parked)).toEqual([true, false, false]);
    expect(engine.busyCount()).toBe(2);

    screenGates.shift()!();
    await settle();
    screenGates.shift()!();
    await settle();
    expect(order).toEqual(['screen:p1', 'prepare:p1', 'await:p1', 'screen:p2', 'prepare:p2', 'await:p2', 'screen:p3', 'prepare:p3', 'await:p3']);
    expect(execs.every((e) => e.parked)).toBe(true);
    expect(engine.taskLoad()).toEqual({ running: 0, queued: 0, dropped: 0 });
    for (const e of execs) e.abort();
    await engine.settled();
  });

  it('a resumed callback (sendTaskSuccess) goes before queued screenings too', async () => {
    const { engine, order, screenGates } = recordingEngine();
    // r1 is already waiting (resumed at acceptance: no screening).
    const waiting = engine.run('r1', { caseId: 'r1', resumeFrom: 'acceptance' });
    await settle();
    expect(waiting.parked).toBe(true);
    const queued = ['n1', 'n2'].map((id) => engine.run(id, { caseId: id }));
    await settle();
    expect(order.slice(-1)).toEqual(['screen:n1']);
    expect(engine.queuedByClass()).toEqual({ later: 0, new: 1 });
    // Staff act on r1 while n1 holds the lane: r1's next tasks queue as later-stage work, ahead of n2's screening.
    const token = [...(engine as unknown as { pending: Map<string, unknown> }).pending.keys()].find((t) => t.startsWith('local:r1:'))!;
    engine.sendTaskSuccess(token, { phase: 'acceptance' });
    await settle();
    expect(engine.queuedByClass()).toEqual({ later: 1, new: 1 });
    screenGates.shift()!();
    await settle();
    const after = order.slice(order.indexOf('screen:n1') + 1);
    expect(after.indexOf('prepare:r1')).toBeGreaterThanOrEqual(0);
    expect(after.indexOf('prepare:r1')).toBeLessThan(after.indexOf('screen:n2'));
    for (const g of screenGates.splice(0)) g();
    await settle();
    for (const e of [waiting, ...queued]) e.abort();
    for (const g of screenGates.splice(0)) g();
    await engine.settled();
  });

  it('refuses a newWorkTasks name that no task state invokes', () => {
    expect(() => recordingEngine({ newWorkTasks: ['NoSuchFunctionArn'] })).toThrow(/newWorkTasks/);
  });
});

describe('TaskLane: the place held for an execution between two of its states', () => {
  it('goes back to the queue after holdMs when the owner does not come back, and at once on release', async () => {
    // A hold long against `settle()` even on a loaded machine (30 ms ran out before the check under load 20).
    const lane = new TaskLane(() => 1, 1000);
    const a = {};
    const b = {};
    const c = {};
    const ran: string[] = [];
    await lane.run(
      a,
      'new',
      async () => ran.push('a'),
      () => true,
    );
    expect(lane.running).toBe(1); // held for a's next task
    const bDone = lane.run(b, 'new', async () => ran.push('b'));
    await settle();
    expect(ran).toEqual(['a']);
    await bDone; // admitted once a's hold timed out
    expect(ran).toEqual(['a', 'b']);
    expect(lane.running).toBe(0);

    await lane.run(
      c,
      'later',
      async () => ran.push('c1'),
      () => true,
    );
    const aAgain = lane.run(a, 'new', async () => ran.push('a2'));
    await settle();
    expect(ran).toEqual(['a', 'b', 'c1']);
    lane.release(c); // c parked: its place goes to the queue at once
    await aAgain;
    expect(ran).toEqual(['a', 'b', 'c1', 'a2']);
    expect(lane.running).toBe(0);
  });
});
