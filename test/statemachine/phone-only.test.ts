/**
 * A complainant reachable by phone only (a 12345 work order) on the transfer path, on the real ASL (arts. 10,
 * 14(2), 16, 19): every notice to the complainant is a recorded call task, nothing goes by mail to the
 * complainant, and the timeline claims a telling only where staff recorded one.
 */
import { expectOk, useHarness } from './harness';
import { scenarioIntake } from '../../infra/local/lifecycle-scenarios';

const harness = useHarness();

/** Timeline sentences that would claim the complainant was told. */
const CLAIMS = /告知投诉人|已告知|并告知/;

describe('phone-only complainant (电话告知任务)', () => {
  it('walks the transfer path with the acceptance notice as a call task: no answer, call again by a date, reached', async () => {
    const h = harness();
    const r = await h.run('transfer-phone-only');
    expectOk(r);
    // The transfer path waiting in reply too (26) plus 3 per recorded acceptance call (an action that keeps the phase).
    expect(r.transitions).toBe(35);
    const c = r.record;
    // Nothing by mail to the complainant: every complainant notice is a call.
    const mails = h.mail.of(r.caseId);
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.flatMap((m) => m.to).filter((x) => !x.endsWith('.gov.cn'))).toEqual([]);
    expect(c.contacts?.map((x) => [x.kind, x.channel, x.status])).toEqual([
      ['acceptance', 'phone', 'done'],
      ['result_feedback', 'phone', 'done'],
    ]);
    const call = c.contacts![0]!;
    expect(call.attempts.map((a) => a.outcome)).toEqual(['no_answer', 'retry_later', 'reached']);
    expect(call.attempts[1]!.retryBy).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(call.text).toContain('【电话告知】');
    expect(call.text).toContain(c.trackingNo);
    // The timeline: the acceptance says nothing of telling; the call task, the two misses and the reached call say what was done.
    const accepted = r.timeline.find((e) => e.type === 'accepted')!;
    expect(accepted.summary).not.toMatch(CLAIMS);
    const claims = r.timeline.filter((e) => CLAIMS.test(e.summary));
    expect(claims.map((e) => [e.type, e.data?.kind ?? e.data?.method, e.data?.outcome])).toEqual([
      ['contact_recorded', 'acceptance', 'no_answer'],
      ['contact_recorded', 'acceptance', 'retry_later'],
      ['contact_recorded', 'acceptance', 'reached'],
      ['contact_recorded', 'result_feedback', 'reached'],
      ['replied', 'phone', undefined],
    ]);
    // Only the reached calls say the complainant was told; the reply is the result call reached (art. 16).
    expect(claims.filter((e) => !/尚未告知投诉人/.test(e.summary)).map((e) => e.data?.outcome ?? e.type)).toEqual(['reached', 'reached', 'replied']);
    const concluded = r.timeline.find((e) => e.type === 'concluded')!;
    expect(concluded.summary).not.toMatch(CLAIMS);
    const resultCall = c.contacts!.find((x) => x.kind === 'result_feedback')!;
    expect(resultCall.text).toContain('经核查，窗口人员未一次性告知所需材料，情况属实，已批评教育。');
    expect(c.reply).toMatchObject({ method: 'phone' });
    expect(r.timeline.some((e) => e.type === 'notice_sent')).toBe(false);
  });

  it('a refusal to a phone-only complainant leaves a call task on the archived case; staff record it afterwards', async () => {
    const h = harness();
    const filed = await h.sb.file(scenarioIntake({ receivedBy: 'SCJGJ', respondent: 'SCJGJ', contact: 'phone-only' }, h.sb, 'phone-refusal'));
    await h.sb.workflow.idle();
    const owner = { role: 'department' as const, id: 'scjgj-rep', department: 'SCJGJ' };
    await h.sb.act(filed.caseId, owner, { action: 'reject', reason: 'art8-4', referral: '请通过行政复议途径解决', explanation: '您反映的事项已申请行政复议，请按复议程序办理。' });
    await h.sb.workflow.idle();
    let c = await h.sb.get(filed.caseId);
    expect(c.phase).toBe('archived');
    const task = c.contacts!.find((x) => x.kind === 'not_accepted')!;
    expect(task).toMatchObject({ channel: 'phone', status: 'pending' });
    // art. 9(1): the staff explanation is in what is said to the complainant.
    expect(task.text).toContain('您反映的事项已申请行政复议，请按复议程序办理。');
    expect(task.text).toContain('“已经或者正在通过信访、诉讼、仲裁、行政复议、调解等途径解决的”');
    const before = await h.sb.timeline(filed.caseId);
    expect(before.filter((e) => CLAIMS.test(e.summary))).toEqual([]);
    await h.sb.act(filed.caseId, owner, { action: 'record-contact', contactId: task.id, outcome: 'reached' });
    c = await h.sb.get(filed.caseId);
    expect(c.contacts!.find((x) => x.id === task.id)!.status).toBe('done');
    const after = await h.sb.timeline(filed.caseId);
    expect(after.at(-1)).toMatchObject({ type: 'contact_recorded', summary: expect.stringContaining('不予受理告知：已电话告知投诉人') });
  });

  it('mail to a complainant with an address is recorded as sent only after it was sent', async () => {
    const h = harness();
    const r = await h.run('transfer');
    expectOk(r);
    const mailTask = r.record.contacts!.find((x) => x.kind === 'acceptance' && x.channel === 'email')!;
    expect(mailTask.status).toBe('done');
    expect(mailTask.messageId).toMatch(/^<memory-/);
    const sent = r.timeline.filter((e) => e.type === 'notice_sent');
    expect(sent.map((e) => e.data?.contactId)).toContain(mailTask.id);
    // The call task of the same notice (the complainant also left a phone) stays open until staff record it.
    expect(r.record.contacts!.find((x) => x.kind === 'acceptance' && x.channel === 'phone')!.status).toBe('pending');
  });
});
