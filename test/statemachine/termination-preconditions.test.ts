/**
 * Art. 19 preconditions on the real ASL: termination for 经提醒仍未补正 is refused before a 补正 reminder is recorded
 * and while its period runs, and allowed after; 无法联系 only after the recorded failed calls.
 */
import { RuleViolationError } from '../../shared/domain/errors';
import { expectOk, scenario, statesOf, useHarness } from './harness';

const harness = useHarness();

describe('经提醒仍未补正 (art. 19(1))', () => {
  it('is refused without a reminder and during its period, and terminates the case after it', async () => {
    const h = harness();
    const r = await h.run('uncorrected-terminated');
    expectOk(r);
    expect(r.record.correctionRequests).toEqual([expect.objectContaining({ id: 'B1', channel: 'phone', content: expect.stringContaining('受理回执') })]);
    const req = r.record.correctionRequests![0]!;
    expect(req.correctBy > req.sentOn).toBe(true);
    expect(r.record.outcome).toMatchObject({ kind: 'terminated', reason: 'art19-1', basis: expect.stringContaining(`补正期限 ${req.correctBy} 已届满仍未补正`) });
    const terminated = r.timeline.find((e) => e.type === 'terminated')!;
    // Terminated on the day after the period, not before.
    expect(terminated.at.slice(0, 10) > req.correctBy || Date.parse(terminated.at) > Date.parse(`${req.correctBy}T23:59:59+08:00`)).toBe(true);
    expect(terminated.summary).toContain('第十九条第（一）项');
    expect(statesOf(h, r.caseId).slice(-2)).toEqual(['Archive Case', 'Case Closed']);
  });

  it('says in Chinese which precondition is missing', async () => {
    const h = harness();
    const s = scenario('uncorrected-terminated');
    // The same path, stopped before the reminder: the refusal names the missing reminder.
    const filed = await h.sb.file({ ...(await import('../../infra/local/lifecycle-scenarios')).scenarioIntake(s.intake, h.sb, 'pre') });
    await h.sb.workflow.idle();
    const err = await h.sb.act(filed.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleViolationError);
    expect((err as RuleViolationError).code).toBe('correction_reminder_missing');
    expect((err as Error).message).toMatch(/尚无补正提醒记录/);
    await h.sb.act(filed.caseId, { role: 'agency', id: 'a' }, { action: 'request-correction', content: '补充证明材料', channel: 'email', correctBy: '2025-03-10' });
    const running = await h.sb.act(filed.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-1' }).catch((e: unknown) => e);
    expect((running as RuleViolationError).code).toBe('correction_period_running');
    expect((running as Error).message).toContain('补正期限至 2025-03-10');
    // The other grounds name their missing field.
    const bare = await h.sb.act(filed.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-2' }).catch((e: unknown) => e);
    expect((bare as { problems?: { field: string; message: string }[] }).problems).toEqual([expect.objectContaining({ field: 'refusal', message: expect.stringContaining('协调活动') })]);
    await h.sb.act(filed.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-3', withdrawal: '投诉人书面撤回' });
    await h.sb.workflow.idle();
    expect((await h.sb.get(filed.caseId)).phase).toBe('archived');
  });
});

describe('无法联系 (art. 19(4))', () => {
  it('terminates only after the recorded failed contact attempts', async () => {
    const h = harness();
    const r = await h.run('unreachable-terminated');
    expectOk(r);
    expect(r.record.outcome).toMatchObject({ kind: 'terminated', reason: 'art19-4', basis: expect.stringMatching(/无法联系.*电话无人接听.*电话无人接听/) });
  });
});
