/**
 * Task timeouts of the in-process engine count from the moment a task function runs, not from the moment it
 * queued for the lane (issue 26: a 4,000-intake burst failed 3,998 executions with States.Timeout because the
 * library's timer ran while screenings waited for their turn). A function that itself runs too long still fails
 * with States.Timeout, which the ASL's Retry and Catch match by name.
 */
import { ManualClock } from '../../infra/local/clock';
import { LocalEngine } from '../../infra/local/engine';
import type { TaskFunction } from '../../infra/local/engine';

const definition = {
  StartAt: 'Screen',
  States: {
    Screen: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${ScreenCaseFunctionArn}', 'Payload.$': '$' },
      TimeoutSeconds: 1,
      End: true,
    },
  },
};

function engineWith(task: TaskFunction, limit: number) {
  return new LocalEngine({ tasks: { ScreenCaseFunctionArn: task }, clock: new ManualClock('2025-03-03T09:00:00+08:00'), definition, taskConcurrency: () => limit });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('engine task timeout', () => {
  it('does not count the time a task waits for its lane', async () => {
    const engine = engineWith(async (p) => {
      if (p.slow) await sleep(800);
      return { done: p.caseId };
    }, 1);
    // One lane place: c2 waits 0.8 s behind c1 and runs 0.8 s; c3 waits 1.6 s in all, longer than the 1 s
    // timeout, and runs at once when admitted.
    const runs = [engine.run('c1', { caseId: 'c1', slow: true }), engine.run('c2', { caseId: 'c2', slow: true }), engine.run('c3', { caseId: 'c3' })];
    const done = await Promise.all(runs.map((r) => r.done));
    expect(done.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(done.map((d) => (d.output as { Payload: { done: string } }).Payload.done)).toEqual(['c1', 'c2', 'c3']);
  });

  it('still times out a task function that runs longer than its TimeoutSeconds', async () => {
    const engine = engineWith(async () => {
      await sleep(1500);
      return { done: true };
    }, 4);
    const summary = await engine.run('c1', { caseId: 'c1' }).done;
    expect(summary.status).toBe('failed');
    expect(summary.error?.name).toBe('States.Timeout');
  });
});
