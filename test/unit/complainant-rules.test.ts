/**
 * Arts. 4 and 16 are one rule (shared/domain/complainant-rules.ts): the public form, the staff-keyed entry, the
 * letter manifest, the 12345 work order and the canonical check every channel passes must reach the same verdict
 * on the same complainant. Each row is judged on every path; a path that accepts must also produce an intake the
 * canonical check accepts (no channel can let through what the intake core then refuses, or the reverse).
 */
import { complainantRuleCodes, reachableForReply } from '../../shared/domain/complainant-rules';
import type { ComplainantFacts, ComplainantRuleCode } from '../../shared/domain/complainant-rules';
import { ValidationError } from '../../shared/domain/errors';
import { letterIntake, parseLetterRow, parseStaffEntry, parseWebComplaint, parseWorkOrder, staffIntake, webIntake, workOrderIntake } from '../../shared/intake/channels';
import { validateIntake } from '../../shared/intake/validate';

const PHONE = '13912345678';
const EMAIL = 'li.si@example.cn';
const ADDRESS = '遂宁市船山区明月路 1 号';
const AT = '2026-03-02T09:30:00+08:00';

interface Row {
  what: string;
  c: ComplainantFacts;
  expected: ComplainantRuleCode[];
}

const TABLE: Row[] = [
  { what: 'named, phone, reply', c: { anonymous: false, wantsReply: true, name: '李四', phone: PHONE }, expected: [] },
  { what: 'named, email only, reply', c: { anonymous: false, wantsReply: true, name: '李四', email: EMAIL }, expected: [] },
  // The case the form and the canonical check used to disagree on: art. 16 "等" and the letters the system posts.
  { what: 'named, address only, reply', c: { anonymous: false, wantsReply: true, name: '李四', address: ADDRESS }, expected: [] },
  { what: 'organisation, address only, reply', c: { anonymous: false, wantsReply: true, organization: '遂宁某某商贸有限公司', address: ADDRESS }, expected: [] },
  { what: 'named, no contact, reply', c: { anonymous: false, wantsReply: true, name: '李四' }, expected: ['contact_required'] },
  { what: 'named, no contact, no reply', c: { anonymous: false, wantsReply: false, name: '李四' }, expected: [] },
  { what: 'no name, phone, reply', c: { anonymous: false, wantsReply: true, phone: PHONE }, expected: ['name_required'] },
  { what: 'no name, no contact, reply', c: { anonymous: false, wantsReply: true }, expected: ['name_required', 'contact_required'] },
  { what: 'blank name and address count as absent', c: { anonymous: false, wantsReply: true, name: '  ', address: ' ' }, expected: ['name_required', 'contact_required'] },
  { what: 'anonymous, no reply', c: { anonymous: true, wantsReply: false }, expected: [] },
];

const yes = (b: boolean): string => (b ? 'on' : 'off');
const contact = (c: ComplainantFacts) => ({
  ...(c.name !== undefined ? { name: c.name } : {}),
  ...(c.organization !== undefined ? { organization: c.organization } : {}),
  ...(c.phone !== undefined ? { phone: c.phone } : {}),
  ...(c.email !== undefined ? { email: c.email } : {}),
  ...(c.address !== undefined ? { address: c.address } : {}),
});

/** The rule codes a path reports (its other problems, if any, are not this rule's). */
function codesOf(run: () => unknown): { codes: string[]; produced?: unknown } {
  try {
    return { codes: [], produced: run() };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { codes: err.problems.map((p) => p.code ?? '').filter((c) => ['name_required', 'contact_required', 'anonymous_no_reply'].includes(c)) };
  }
}

const canonical = (c: ComplainantFacts) => ({
  channel: 'phone',
  sourceKey: 'staff:phone:table-0001',
  receivedAt: AT,
  receivedBy: 'agency',
  complainant: { ...contact(c), anonymous: c.anonymous, wantsReply: c.wantsReply, confidential: false },
  respondent: { unit: '遂宁市船山区不动产登记中心' },
  matter: '窗口拒绝受理。',
  evidence: [],
});

const PATHS: Record<string, (c: ComplainantFacts) => unknown> = {
  canonical: (c) => validateIntake(canonical(c)),
  'web form': (c) => {
    const form = parseWebComplaint({
      complainant: { ...contact(c), anonymous: yes(c.anonymous), wantsReply: yes(c.wantsReply) },
      respondent: { unit: '遂宁市船山区不动产登记中心' },
      matter: '窗口拒绝受理。',
    });
    return validateIntake(webIntake(form, { sourceKey: 'web:table-0001', receivedAt: AT, evidence: [] }));
  },
  'staff entry': (c) => {
    const e = parseStaffEntry({
      ...contact(c),
      anonymous: yes(c.anonymous),
      wantsReply: yes(c.wantsReply),
      channel: 'phone',
      entryId: 'table-0001',
      matter: '窗口拒绝受理。',
      respondentUnit: '遂宁市船山区不动产登记中心',
    });
    return validateIntake(staffIntake(e, { receivedAt: AT, evidence: [] }));
  },
  'letter row': (c) => {
    const row = parseLetterRow({ ...contact(c), anonymous: yes(c.anonymous), wantsReply: yes(c.wantsReply), file: 'a.png', matter: '窗口拒绝受理。' });
    return validateIntake(letterIntake(row, { sourceKey: 'letter:table-0001', receivedAt: AT, scans: [] }));
  },
  '12345 work order': (c) => {
    const o = parseWorkOrder({ workOrderNo: 'GD0001', createdAt: AT, caller: { ...contact(c), anonymous: yes(c.anonymous), wantsReply: yes(c.wantsReply) }, matter: '窗口拒绝受理。' });
    return validateIntake(workOrderIntake(o, { receivedAt: AT }));
  },
};

describe('arts. 4 and 16: one rule, the same verdict on every path', () => {
  it.each(TABLE)('the rule itself: $what', ({ c, expected }) => {
    expect(complainantRuleCodes(c)).toEqual(expected);
  });

  for (const [path, run] of Object.entries(PATHS)) {
    it.each(TABLE)(`${path}: $what`, ({ c, expected }) => {
      const { codes } = codesOf(() => run(c));
      expect([...new Set(codes)].sort()).toEqual([...expected].sort());
    });
  }

  it('a postal address is a contact a reply can reach (art. 16 "等"; the system posts letters)', () => {
    expect(reachableForReply({ address: ADDRESS })).toBe(true);
    expect(reachableForReply({ address: '   ' })).toBe(false);
  });

  it('anonymous and a reply: the canonical check refuses it, the form drops the reply (the hidden box is still sent)', () => {
    expect(complainantRuleCodes({ anonymous: true, wantsReply: true })).toEqual(['anonymous_no_reply']);
    expect(codesOf(() => validateIntake(canonical({ anonymous: true, wantsReply: true }))).codes).toEqual(['anonymous_no_reply']);
    const form = parseWebComplaint({ complainant: { name: '李四', anonymous: 'on', wantsReply: 'on' }, respondent: { unit: '某局' }, matter: '窗口拒绝受理。' });
    const intake = validateIntake(webIntake(form, { sourceKey: 'web:table-0002', receivedAt: AT, evidence: [] }));
    expect(intake.complainant).toEqual({ anonymous: true, wantsReply: false, confidential: false });
  });

  it('the form reports the rule on the field the reader fixes, in Chinese', () => {
    try {
      parseWebComplaint({ complainant: { name: '李四', wantsReply: 'on' }, respondent: { unit: '某局' }, matter: '窗口拒绝受理。' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems).toEqual([{ field: 'complainant.phone', code: 'contact_required', message: expect.stringContaining('联系地址') }]);
    }
  });
});
