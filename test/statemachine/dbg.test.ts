import { ManualClock } from '../../infra/local/clock';
import { LocalEngine } from '../../infra/local/engine';
it('dbg', async () => {
  const clock = new ManualClock('2025-03-03T09:00:00+08:00');
  const tasks: any = {};
  for (const n of ['ScreenCaseFunctionArn','PrepareWaitFunctionArn','AwaitActionFunctionArn','HandleDeadlineFunctionArn','ArchiveCaseFunctionArn','RecordFailureFunctionArn']) tasks[n] = async (p: any) => { console.log(n, JSON.stringify(p)); return n==='PrepareWaitFunctionArn' ? {phase:'acceptance', timeoutSeconds: 100, wakeUpAt: '2025-03-03T10:00:00+08:00'} : {phase:'acceptance'}; };
  const e = new LocalEngine({ tasks, clock });
  const x = e.run('a', { caseId: 'a', resumeFrom: 'reply' });
  for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
  console.log(x.states, x.status, x.error, x.parked);
  x.abort(); console.log(await x.done);
});
