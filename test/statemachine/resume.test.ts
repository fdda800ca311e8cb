/**
 * resumeFrom (ARCHITECTURE.md, "Durable by design"): the in-process engine keeps no executions across a
 * restart; every open case is resumed from the phase on its item and waits only for the time left.
 */
import { cryptoIds } from '../../shared/adapters/ids';
import { submitIntake } from '../../shared/intake/core';
import type { Workflow } from '../../shared/ports';
import { scenarioIntake } from '../../infra/local/lifecycle-scenarios';
import { expectOk, useHarness } from './harness';

const harness = useHarness();

describe.each(['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'])('restart while waiting in %s', (phase) => {
  it('resumes at the recorded phase with the same due time and runs to the archive', async () => {
    const h = harness();
    const r = await h.run(`resume-${phase}`);
    expectOk(r);
    expect(r.executions).toBe(2);
    const resumed = h.sb.workflow.executionsOf(r.caseId)[0]!;
    expect(resumed.input).toEqual({ caseId: r.caseId, resumeFrom: phase });
    expect(resumed.states.slice(0, 3)).toEqual(['Choose Starting Point', 'Resume At Recorded Phase', 'Route By Phase']);
    expect(resumed.states).not.toContain('Screen Case');
  });
});

it('a case stored but never started (crash before StartExecution) is screened when resumed', async () => {
  const h = harness();
  const noStart: Workflow = {
    start: async () => ({ executionId: 'lost', alreadyRunning: false }),
    sendTaskSuccess: async () => undefined,
    sendTaskFailure: async () => undefined,
  };
  const { sb } = h;
  const filed = await submitIntake(
    { store: sb.store, workflow: noStart, clock: sb.clock, ids: cryptoIds, rules: sb.rules, jurisdiction: sb.jurisdiction, calendar: sb.calendar },
    scenarioIntake({ receivedBy: 'agency', respondent: 'SCJGJ' }, sb, 'resume-received'),
  );
  expect((await sb.get(filed.caseId)).phase).toBe('received');
  await sb.workflow.stop();
  const wf = sb.restartWorkflow();
  expect(await wf.resumeAll()).toContain(filed.caseId);
  await wf.idle();
  const c = await sb.get(filed.caseId);
  expect(c.phase).toBe('dispatch');
  expect(wf.executionsOf(c.caseId)[0]!.states).toContain('Screen Case');
});

it('a resumed wait sleeps only for the time left, and the reminder comes at its original instant', async () => {
  const h = harness();
  const { sb, clock } = h;
  const filed = await sb.file(scenarioIntake({ receivedBy: 'agency', respondent: 'SCJGJ' }, sb, 'resume-time-left'));
  await sb.workflow.idle();
  const c = await sb.get(filed.caseId);
  const remindAt = Date.parse(c.waiting!.remindAt!);
  // Half-way to the reminder, the runtime stops and comes back.
  await clock.advanceTo(clock.now().getTime() + (remindAt - clock.now().getTime()) / 2);
  await sb.workflow.stop();
  const wf = sb.restartWorkflow();
  await wf.resumeAll();
  await wf.idle();
  expect(clock.pending().map((d) => d.getTime())).toContain(remindAt);
  await clock.advanceTo(remindAt);
  const reminder = (await sb.timeline(c.caseId)).find((e) => e.type === 'reminder_sent');
  expect(reminder && Date.parse(reminder.at)).toBe(remindAt);
  await sb.act(c.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-3', withdrawal: '投诉人来电表示问题已解决，自愿放弃投诉' });
  await wf.idle();
  expect((await sb.get(c.caseId)).phase).toBe('archived');
  expect(await wf.resumeAll()).not.toContain(c.caseId);
});
