import type { CaseRecord } from '../../shared/domain/case';
import type { Notice } from '../../shared/domain/lifecycle';
import { onWaitTimeout, nextWakeUp } from '../../shared/domain/lifecycle';
import { assignmentSlipPage } from '../../shared/domain/notices';
import { canAct, canRead, redactForRespondent, viewFor } from '../../shared/domain/access';
import { ADDRESS, ADMIN, AGENCY, DEPT, EMAIL, LEADER, NAME, OTHER_DEPT, PHONE, T0, Walk, caseIn, ctxAt, newCase } from '../fixtures/lifecycle';

/** Every notice of every path of a confidential case (respondent side and complainant side). */
function allNoticesOf(confidential: boolean): Notice[] {
  const out: Notice[] = [];
  const o = { confidential, matter: `我是${NAME}，电话${PHONE}，住${ADDRESS}。窗口要求我反复补交材料，还说要去集体上访才管用。` };
  const full = caseIn('follow_up', o);
  out.push(...full.notices);
  const h = caseIn('handling', o);
  h.take(onWaitTimeout(h.c, ctxAt(nextWakeUp(h.c, ctxAt(T0))!)));
  h.act(DEPT, { action: 'request-extension', newDueDate: '2025-03-20', reason: `${NAME}要求补充调查` }, '2025-03-06T09:00:00+08:00');
  h.take(onWaitTimeout(h.c, ctxAt('2025-03-21T00:00:00+08:00')));
  h.act(DEPT, { action: 'escalate', to: 'agency', reason: `联系${PHONE}未果` }, '2025-03-21T09:00:00+08:00');
  h.act(DEPT, { action: 'recuse', reason: '亲属关系' }, '2025-03-21T09:30:00+08:00');
  h.act(AGENCY, { action: 'terminate', reason: 'art19-3', withdrawal: '来电表示撤回', note: `${NAME}撤回` }, '2025-03-21T10:00:00+08:00');
  out.push(...h.notices);
  const r = caseIn('acceptance', o);
  r.act(DEPT, { action: 'reject', reason: 'art8-1', referral: '市公积金中心', transferTo12345: true }, '2025-03-04T10:00:00+08:00');
  out.push(...r.notices);
  const i = caseIn('classification', o);
  i.act(DEPT, { action: 'classify', kind: 'intervention' }, '2025-03-04T11:00:00+08:00');
  i.act(AGENCY, { action: 'designate-lead', lead: 'ZRZYGHJ', coHandlers: ['SCJGJ'] }, '2025-03-04T12:00:00+08:00');
  out.push(...i.notices);
  return out;
}

const identity = [NAME, PHONE, EMAIL, ADDRESS];

describe('notices: confidentiality (art. 13)', () => {
  const notices = allNoticesOf(true);

  it('covers every kind of notice', () => {
    const kinds = new Set(notices.map((n) => n.kind));
    for (const k of [
      'assignment_slip',
      'acceptance',
      'not_accepted',
      'referral_12345',
      'reminder',
      'overdue_alert',
      'stability_risk',
      'extension',
      'reply_record',
      'rectification_filed',
      'follow_up_survey',
      'termination',
      'escalation',
      'intervention',
      'recusal',
    ]) {
      expect(kinds).toContain(k);
    }
  });

  it('no notice to an official carries the confidential complainant’s name, phone, email or address', () => {
    const official = notices.filter((n) => n.audience !== 'complainant');
    expect(official.length).toBeGreaterThan(10);
    for (const n of official) {
      const all = [n.subject, n.text, n.html ?? '', ...(n.attachments ?? []).map((a) => a.content)].join('\n');
      for (const s of identity) expect({ kind: n.kind, leaked: all.includes(s) ? s : null }).toEqual({ kind: n.kind, leaked: null });
      expect(n.to).not.toContain(EMAIL);
    }
  });

  it('a non-confidential slip names the complainant so the unit can reply (art. 16)', () => {
    const slip = allNoticesOf(false).find((n) => n.kind === 'assignment_slip')!;
    expect(slip.text).toContain(NAME);
    expect(slip.text).toContain(PHONE);
  });

  it('notices to the complainant go only to a named complainant with an address', () => {
    for (const n of notices.filter((x) => x.audience === 'complainant')) expect(n.to).toEqual([EMAIL]);
    const anon = caseIn('acceptance', { anonymous: true });
    anon.act(DEPT, { action: 'accept' }, '2025-03-04T10:00:00+08:00');
    expect(anon.notices.filter((n) => n.audience === 'complainant')).toEqual([]);
    const noMail = caseIn('acceptance', { email: false });
    noMail.act(DEPT, { action: 'accept' }, '2025-03-04T10:00:00+08:00');
    expect(noMail.notices.filter((n) => n.kind === 'acceptance')).toEqual([]);
  });
});

describe('notices: content', () => {
  const notices = allNoticesOf(false);

  it('promise nothing before investigation (art. 12)', () => {
    for (const n of notices) expect(n.text).not.toMatch(/保证|一定会|确保解决|承诺(为您|给您|解决)/);
    expect(notices.find((n) => n.kind === 'acceptance')!.text).toContain('不构成对处理结果的任何承诺');
  });

  it('are Chinese text and HTML with the tracking number', () => {
    for (const n of notices) {
      expect(n.subject).toMatch(/[\u4e00-\u9fa5]/);
      expect(n.text).toContain(n.caseId!);
      expect(n.html).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
    }
  });

  it('the printable slip has the case number, dates, respondent, matter, deadlines and the seal line', () => {
    const w = caseIn('acceptance');
    const a = w.c.assignments[0]!;
    const page = assignmentSlipPage(w.c, ctxAt('2025-03-03T15:00:00+08:00'), a);
    expect(page).toContain('政务服务投诉交办单');
    expect(page).toContain(`JB-${w.c.trackingNo}`);
    expect(page).toContain('2025年3月3日');
    expect(page).toContain('遂宁市船山区市场监督管理局');
    expect(page).toContain('窗口三次要求补交同一份材料');
    expect(page).toContain('受理决定期限');
    expect(page).toContain('2025年3月5日（当日24时前）');
    expect(page).toContain('2025年3月6日（当日24时前）');
    expect(page).toContain('交办单位（盖章）：遂宁市船山区行政审批局');
    expect(page).toContain('@page');
  });

  it('escapes HTML in what citizens wrote', () => {
    const w = new Walk(newCase({ matter: '<script>alert(1)</script>' })).screen();
    w.act(AGENCY, { action: 'dispatch', department: 'SCJGJ' }, '2025-03-03T15:00:00+08:00');
    const slip = w.notices.find((n) => n.kind === 'assignment_slip')!;
    expect(slip.html).not.toContain('<script>');
    expect(slip.attachments![0]!.content).not.toContain('<script>');
  });
});

describe('access (arts. 13, 21)', () => {
  const scj = caseIn('handling', { confidential: true }).c;

  it('agency reads all; department its own; leader only escalated; admin none', () => {
    expect(canRead(AGENCY, scj)).toBe(true);
    expect(canRead(DEPT, scj)).toBe(true);
    expect(canRead(OTHER_DEPT, scj)).toBe(false);
    expect(canRead(LEADER, scj)).toBe(false);
    expect(canRead(LEADER, { ...scj, flags: { ...scj.flags, stabilityRisk: true } })).toBe(true);
    expect(canRead(ADMIN, scj)).toBe(false);
    expect(canAct(LEADER, { ...scj, flags: { ...scj.flags, stabilityRisk: true } }, 'conclude')).toBe(false);
  });

  it('co-handlers read but do not conclude', () => {
    const c: CaseRecord = { ...scj, assignments: [...scj.assignments, { department: 'ZRZYGHJ', role: 'co_handler', assignedAt: T0 }] };
    expect(canRead(OTHER_DEPT, c)).toBe(true);
    expect(canAct(OTHER_DEPT, c, 'conclude')).toBe(false);
    expect(canAct(OTHER_DEPT, c, 'escalate')).toBe(true);
  });

  it('the respondent side sees a confidential case without the complainant identity', () => {
    const v = redactForRespondent(scj);
    const json = JSON.stringify(v);
    for (const s of identity) expect(json).not.toContain(s);
    expect(v.intake.matter).toContain('***');
    expect(JSON.stringify(viewFor(AGENCY, scj))).toContain(NAME);
    expect(JSON.stringify(viewFor(DEPT, scj))).not.toContain(NAME);
    const open = caseIn('handling').c;
    const openView = redactForRespondent(open);
    expect(openView.intake.complainant).toEqual(open.intake.complainant);
    expect(openView.intake.matter).toBe(open.intake.matter);
  });

  it('the respondent side of a confidential case does not see the people the mail names either (unverified mentions)', () => {
    const named = { ...scj, intake: { ...scj.intake, unverifiedMentions: [{ name: '王秀英', email: 'wangxiuying@example.net', source: 'forwarded_original' as const }] } };
    expect(JSON.stringify(redactForRespondent(named))).not.toContain('wangxiuying@example.net');
    expect(JSON.stringify(viewFor(AGENCY, named))).toContain('wangxiuying@example.net');
  });
});
