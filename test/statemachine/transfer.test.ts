/** Transfer path end to end (arts. 4, 10, 14(2), 15, 16, 17, 18) on the real ASL, dynalite, manual clock. */
import { expectOk, statesOf, useHarness } from './harness';

const harness = useHarness();

describe('transfer path (登记转办)', () => {
  it('goes from screening through dispatch, acceptance, transfer, conclusion (result fed back), rectification and follow-up to the archive', async () => {
    const h = harness();
    const r = await h.run('transfer');
    expectOk(r);
    expect(statesOf(h, r.caseId)).toEqual([
      'Choose Starting Point',
      'Screen Case',
      'Route By Phase',
      // The complainant has a mail address: the result mail sent at the conclusion is the reply, so the case never waits in "reply".
      ...['Dispatch', 'Acceptance Decision', 'Classification', 'Handling Result', 'Rectification Filing', 'Follow-Up Visit'].flatMap((step, i) => [
        `Prepare ${['Dispatch', 'Acceptance', 'Classification', 'Handling', 'Rectification', 'Follow-Up'][i]} Wait`,
        `Await ${step}`,
        'Route By Phase',
      ]),
      'Archive Case',
      'Case Closed',
    ]);
    // The main cost on AWS: the common transfer path stays under 40 state transitions.
    expect(r.transitions).toBe(23);
    expect(r.transitions).toBeLessThan(40);

    const c = r.record;
    expect(c.waiting).toBeUndefined();
    expect(c.department).toBe('SCJGJ');
    expect(c.deadlines.map((d) => d.clock)).toEqual(expect.arrayContaining(['dispatch', 'acceptance', 'result', 'reply', 'rectification', 'follow_up']));
    expect(c.deadlines.every((d) => d.metAt !== undefined && d.overdueAt === undefined)).toBe(true);

    const rep = h.sb.jurisdiction.departments.find((d) => d.code === 'SCJGJ')!.chiefRepresentative.email;
    const slip = h.mail.of(r.caseId, 'assignment_slip');
    expect(slip).toHaveLength(1);
    expect(slip[0]!.to).toContain(rep);
    expect(h.mail.of(r.caseId, 'acceptance')[0]!.to).toContain('complainant@example.com');

    // art. 14(2): the result went to the agency and to the complainant at the conclusion; the reply was done then.
    const concluded = r.timeline.find((e) => e.type === 'concluded')!;
    const feedback = h.mail.of(r.caseId, 'result_feedback');
    expect(feedback).toHaveLength(2);
    const toComplainant = feedback.find((m) => m.to.includes('complainant@example.com'))!;
    expect(toComplainant.text).toContain('经核查，窗口人员未一次性告知所需材料，情况属实，已批评教育。');
    expect(feedback.find((m) => m !== toComplainant)!.to.every((x) => x.endsWith('.gov.cn'))).toBe(true);
    expect(c.deadlines.find((d) => d.clock === 'reply')!.metAt).toBe(concluded.at);
    expect(c.reply).toMatchObject({ method: 'email' });
    const replied = r.timeline.find((e) => e.type === 'replied')!;
    expect(replied.summary).toContain('电子邮件已发送');
    expect(r.timeline.indexOf(replied)).toBeLessThan(r.timeline.findIndex((e) => e.type === 'rectification_filed'));
  });

  it('stores the task token, the allowed actions and the due time on the case while it waits', async () => {
    const h = harness();
    const filed = await h.sb.file({
      channel: 'web',
      sourceKey: 'test:transfer:waiting',
      receivedAt: h.clock.now().toISOString(),
      receivedBy: 'agency',
      complainant: { name: '李某', phone: '13900000000', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unitCode: 'SCJGJ', unit: '遂宁市船山区市场监督管理局' },
      matter: '营业执照办理拖延',
      facts: '多次往返',
      evidence: [],
    });
    await h.sb.workflow.idle();
    const c = await h.sb.get(filed.caseId);
    expect(c.phase).toBe('dispatch');
    expect(c.waiting).toMatchObject({ step: 'dispatch', dueAt: c.deadlines[0]!.dueAt });
    expect(c.waiting!.taskToken).toMatch(/^local:/);
    expect(c.waiting!.allowedActions).toContain('dispatch');
    expect(Date.parse(c.waiting!.remindAt!)).toBeLessThan(Date.parse(c.waiting!.dueAt!));
    // A second start of the same case is idempotent (execution name = case id).
    await expect(h.sb.workflow.start(c.caseId, { caseId: c.caseId }, c.caseId)).resolves.toMatchObject({ alreadyRunning: true });
    await h.sb.act(c.caseId, { role: 'agency', id: 'a' }, { action: 'terminate', reason: 'art19-3', withdrawal: '投诉人来电表示问题已解决，自愿放弃投诉' });
    await h.sb.workflow.idle();
    expect((await h.sb.get(c.caseId)).phase).toBe('archived');
  });
});
