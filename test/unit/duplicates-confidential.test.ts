/**
 * Issue 22 item 5: duplicate matching must not carry a confidential complainant's identity to where a respondent
 * (a department) can read it. The reasons of a "可能重复" finding are the matcher's real output for a pair sharing a
 * phone and a name, one side confidential; a department sees none of the identity signals (which, with the other
 * case's complainant in view, would name the confidential one) in the case view, the timeline or the reasons the
 * console routes give; the agency sees them all.
 */
import type { CaseRecord, DuplicateSuspect, TimelineEvent } from '../../shared/domain/case';
import { fingerprint, scorePair } from '../../shared/domain/duplicates/index';
import { DUPLICATE_IDENTITY_WITHHELD, duplicateReasonsFor, identityStrings, redactForRespondent, timelineFor } from '../../shared/domain/redaction';
import { viewFor } from '../../shared/domain/access';
import { intakeOf } from '../fixtures/duplicates/records';
import { AGENCY, DEPT, newCase } from '../fixtures/lifecycle';

const NAME = '周晓梅';
const PHONE = '13982517766';
const confidential = intakeOf({
  matter: '3月3日在船山区不动产登记中心办理二手房过户，材料被退回三次，每次说法不同。',
  complainant: { name: NAME, phone: PHONE, email: 'zxm@example.com', anonymous: false, wantsReply: true, confidential: true },
});
const open = intakeOf({
  matter: '来电人周女士反映：不动产中心办过户材料来回退了三回，希望一次讲清楚。',
  receivedAt: '2025-03-11T09:00:00+08:00',
  complainant: { name: '周女士', phone: '139-8251-7766', anonymous: false, wantsReply: true, confidential: false },
});
const SIGNAL = /^投诉人(联系电话|电子邮箱|身份证号码|姓名|姓氏|单位名称)/;
const scored = scorePair(fingerprint(open), fingerprint(confidential), open.receivedAt, confidential.receivedAt);

describe('可能重复 reasons and a confidential complainant (art. 13)', () => {
  it('the matcher found the pair by identity (the case this guards)', () => {
    expect(scored.explanation).toEqual(expect.arrayContaining(['投诉人联系电话一致', '投诉人姓氏一致（一方仅留姓氏和称谓）']));
    // It names signals, never the data: not the name, the phone or the mailbox in any spelling.
    for (const line of scored.explanation) for (const secret of [NAME, PHONE, '139-8251-7766', 'zxm@example.com', '周']) expect(line).not.toContain(secret);
  });

  it('a department gets the reasons without the identity signals, said so once; the agency gets them all', () => {
    const reasons = ['可能与案件 X 为同一投诉事项，请人工判断是否合并', '未自动合并的原因：投诉人身份信息相互矛盾；被投诉单位不同', ...scored.explanation];
    const dept = duplicateReasonsFor(DEPT, reasons);
    expect(dept.filter((r) => SIGNAL.test(r))).toEqual([]);
    expect(dept.some((r) => r.includes('身份信息相互矛盾'))).toBe(false);
    expect(dept).toContain('未自动合并的原因：被投诉单位不同');
    expect(dept.filter((r) => r === DUPLICATE_IDENTITY_WITHHELD)).toHaveLength(1);
    expect(dept).toEqual(expect.arrayContaining(scored.explanation.filter((r) => !SIGNAL.test(r))));
    expect(duplicateReasonsFor(AGENCY, reasons)).toEqual(reasons);
  });

  it('the case view and the timeline of either case show a department no identity signal of the pair', () => {
    const conf = newCase({ confidential: true });
    const other = newCase();
    const finding = (caseId: string, direction: DuplicateSuspect['direction']): DuplicateSuspect => ({
      caseId,
      trackingNo: caseId,
      direction,
      score: scored.score,
      reasons: scored.explanation,
      at: open.receivedAt,
    });
    const pairs: [CaseRecord, string][] = [
      [{ ...conf, duplicateSuspects: [finding(other.caseId, 'by')], dismissedDuplicates: [{ ...finding('Z', 'of'), dismissedAt: open.receivedAt, dismissedBy: AGENCY }] }, other.caseId],
      [{ ...other, duplicateSuspects: [finding(conf.caseId, 'of')] }, conf.caseId],
    ];
    for (const [record, otherId] of pairs) {
      const view = viewFor(DEPT, record);
      const lines = [...(view.duplicateSuspects ?? []), ...(view.dismissedDuplicates ?? [])].flatMap((s) => s.reasons);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((r) => SIGNAL.test(r))).toEqual([]);
      expect(lines).toContain(DUPLICATE_IDENTITY_WITHHELD);
      expect(viewFor(AGENCY, record).duplicateSuspects?.[0]?.reasons).toEqual(scored.explanation);
      // The stored record is untouched.
      expect(record.duplicateSuspects![0]!.reasons).toEqual(scored.explanation);

      const events: TimelineEvent[] = [
        {
          caseId: record.caseId,
          seq: 1,
          at: open.receivedAt,
          type: 'possible_duplicate',
          actor: { role: 'system', id: 'tousu' },
          phase: record.phase,
          summary: '可能重复',
          data: { candidates: [{ caseId: otherId, score: scored.score, explanation: scored.explanation }], direction: 'by' },
        },
      ];
      const shown = JSON.stringify(timelineFor(DEPT, record, events));
      expect(shown).not.toMatch(/投诉人(联系电话|姓氏|姓名|电子邮箱)/);
      for (const secret of identityStrings(conf)) expect(shown).not.toContain(secret);
      expect(JSON.stringify(timelineFor(AGENCY, record, events))).toContain('投诉人联系电话一致');
    }
    expect(redactForRespondent(conf).intake.complainant.name).not.toBe(conf.intake.complainant.name);
  });
});
