import { SYSTEM_ACTOR } from '../../shared/domain/case';
import { RulesVersion, SUINING_2023 } from '../../shared/domain/rules';
import type { CanonicalIntake, Complainant } from '../../shared/domain/intake';
import { applyMerge } from '../../shared/domain/duplicates/index';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { DEPARTMENTS } from '../fixtures/duplicates/labelled-set';
import { MemoryCases, MemoryDuplicateIndex } from '../fixtures/duplicates/memory-index';
import { concluded, intakeOf, JURISDICTION, recordOf } from '../fixtures/duplicates/records';

const wang: Complainant = { name: '王芳', phone: '13812345678', email: 'wangfang@qq.com', anonymous: false, wantsReply: true, confidential: false };
const li: Complainant = { name: '李强', phone: '13998765432', anonymous: false, wantsReply: true, confidential: false };
const photo = { filename: '现场照片.jpg', contentType: 'image/jpeg', size: 10, sha256: 'c'.repeat(64), ref: 'blob/c' };
const receipt = { filename: '收据.jpg', contentType: 'image/jpeg', size: 10, sha256: 'd'.repeat(64), ref: 'blob/d' };

const FIRST = '3月5日我到不动产登记中心办理二手房过户，5号窗口的工作人员要求我提供办事指南上没有列出的材料，我前后跑了3趟还是没办成。';
const PHONE_NOTE = '来电人反映：３月５日在不动产中心５号窗口办二手房过户，被要求补一个清单以外的证明，跑了3次没办成。';

function setup() {
  const cases = new MemoryCases();
  const index = new MemoryDuplicateIndex();
  const check = createDuplicateCheck({ index, store: cases, departments: DEPARTMENTS });
  const file = async (id: string, intake: CanonicalIntake, over = {}) => {
    const r = recordOf(id, intake, over);
    cases.put(r);
    await check.indexCase(r);
    return r;
  };
  const ctx = (intake: CanonicalIntake) => ({ jurisdiction: JURISDICTION, now: new Date(intake.receivedAt) });
  return { cases, index, check, file, ctx };
}

describe('createDuplicateCheck', () => {
  it('auto-merges the same complaint from another channel into the open case, explaining the signals (art. 11)', async () => {
    const { check, file, ctx } = setup();
    await file('A', intakeOf({ channel: 'email', matter: FIRST, complainant: wang }));
    const phone = intakeOf({ channel: 'phone', matter: PHONE_NOTE, receivedAt: '2025-03-12T10:00:00+08:00', complainant: { ...wang, name: '王女士', email: undefined, phone: '+86 138-1234-5678' } });
    const d = await check(phone, ctx(phone));
    expect(d).toMatchObject({ kind: 'merge', into: 'A' });
    if (d.kind !== 'merge') throw new Error('unreachable');
    expect(d.score).toBeGreaterThanOrEqual(0.75);
    expect(d.explanation[0]).toContain('第十一条');
    expect(d.explanation).toEqual(expect.arrayContaining(['投诉人联系电话一致', '被投诉单位相同', '关键事实一致：日期 3月5日', '关键事实一致：窗口号 5号窗口']));
    expect(d.explanation.join('')).not.toMatch(/13812345678|王芳/);
  });

  it('answers art. 8(3) for a case already accepted and in progress, and merges into the root of a merge chain', async () => {
    const { cases, check, file, ctx } = setup();
    const root = await file('ROOT', intakeOf({ channel: 'web', matter: FIRST, complainant: wang }), { phase: 'handling' });
    const child = await file('CHILD', intakeOf({ channel: 'letter', matter: FIRST.replace('二手房过户', '二手房过户登记'), complainant: { ...wang, email: undefined } }));
    const merged = applyMerge(root, child, SYSTEM_ACTOR, '2025-03-11T00:00:00+08:00');
    cases.put(merged.target);
    cases.put(merged.source);
    const again = intakeOf({ channel: 'onsite', matter: PHONE_NOTE, receivedAt: '2025-03-20T10:00:00+08:00', complainant: { ...wang, email: undefined } });
    const d = await check(again, ctx(again));
    expect(d).toMatchObject({ kind: 'merge', into: 'ROOT' });
    if (d.kind === 'merge') expect(d.explanation[0]).toContain('第八条第（三）项');
  });

  it('does not merge different complainants with the same matter against the same unit', async () => {
    const { check, file, ctx } = setup();
    await file('A', intakeOf({ matter: FIRST, complainant: wang }));
    const other = intakeOf({ matter: FIRST, receivedAt: '2025-03-11T09:00:00+08:00', complainant: li });
    expect((await check(other, ctx(other))).kind).toBe('new');
  });

  it('does not merge the same complainant’s complaint about another visit (near miss: other date and window)', async () => {
    const { check, file, ctx } = setup();
    await file('A', intakeOf({ matter: FIRST, complainant: wang }));
    const next = intakeOf({ matter: FIRST.replace('3月5日', '4月9日').replace('5号窗口', '8号窗口'), receivedAt: '2025-04-10T09:00:00+08:00', complainant: wang });
    expect((await check(next, ctx(next))).kind).toBe('new');
  });

  it('merges a surname-and-title caller with the full name about the same matter; queues it when configured stricter', async () => {
    const { check, file, ctx, cases, index } = setup();
    await file('A', intakeOf({ channel: 'letter', matter: FIRST, complainant: { name: '王芳', address: '明月路1号', anonymous: false, wantsReply: true, confidential: false } }));
    const note = intakeOf({
      channel: 'phone',
      matter: FIRST,
      receivedAt: '2025-03-12T10:00:00+08:00',
      complainant: { name: '王女士', phone: '13812345678', anonymous: false, wantsReply: true, confidential: false },
    });
    expect((await check(note, ctx(note))).kind).toBe('merge');
    const strict = createDuplicateCheck({ index, store: cases, departments: DEPARTMENTS, rules: { autoMinIdentity: 0.75 } });
    const d = await strict(note, ctx(note));
    expect(d.kind).toBe('possible');
    if (d.kind === 'possible') {
      expect(d.candidates[0]).toMatchObject({ caseId: 'A' });
      expect(d.candidates[0]!.explanation).toContain('投诉人姓氏一致（一方仅留姓氏和称谓）');
    }
  });

  it('takes the window of the rules version in force from the check context over its configured default', async () => {
    const { check, file } = setup();
    await file('A', intakeOf({ matter: FIRST, complainant: wang }));
    const late = intakeOf({ matter: FIRST, receivedAt: '2025-03-30T10:00:00+08:00', complainant: wang });
    expect((await check(late, { jurisdiction: JURISDICTION, now: new Date(), windowDays: 90 })).kind).toBe('merge');
    expect((await check(late, { jurisdiction: JURISDICTION, now: new Date(), windowDays: 5 })).kind).toBe('new');
  });

  it('validates duplicates.windowDays of a rules version (whole days, 1 to 3650)', () => {
    const withWindow = (windowDays: unknown) => RulesVersion.safeParse({ ...SUINING_2023, duplicates: { windowDays } });
    expect(withWindow(90).success).toBe(true);
    for (const bad of [0, -3, 4000, 1.5, '90']) {
      const r = withWindow(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['duplicates', 'windowDays']);
    }
  });

  it('ignores open cases outside the time window (policy parameter)', async () => {
    const { file, cases, index } = setup();
    const check = createDuplicateCheck({ index, store: cases, departments: DEPARTMENTS, rules: { windowDays: 5 } });
    await file('A', intakeOf({ matter: FIRST, complainant: wang }));
    const late = intakeOf({ matter: FIRST, receivedAt: '2025-03-30T10:00:00+08:00', complainant: wang });
    expect((await check(late, { jurisdiction: JURISDICTION, now: new Date() })).kind).toBe('new');
  });

  describe('repeats of a concluded case (art. 8(5))', () => {
    const later = '2025-05-20T10:00:00+08:00';

    it('proposes not accepting a repeat that brings no new evidence (the same photo again is not new)', async () => {
      const { cases, check, file, ctx } = setup();
      const a = await file('A', intakeOf({ matter: FIRST, complainant: wang, evidence: [photo] }));
      cases.put(concluded(a, '2025-03-25T10:00:00+08:00'));
      const repeat = intakeOf({ channel: 'hotline_12345', matter: PHONE_NOTE, receivedAt: later, complainant: wang, evidence: [photo] });
      const d = await check(repeat, ctx(repeat));
      expect(d).toMatchObject({ kind: 'repeat', of: 'A', newEvidence: false });
      if (d.kind === 'repeat') {
        expect(d.explanation[0]).toContain('第八条第（五）项');
        expect(d.explanation).toContain('未提供新附件，也未提出原案件受理后的新情况');
      }
    });

    it('recognises new attachments and names them', async () => {
      const { cases, check, file, ctx } = setup();
      const a = await file('A', intakeOf({ matter: FIRST, complainant: wang, evidence: [photo] }));
      cases.put(concluded(a, '2025-03-25T10:00:00+08:00'));
      const repeat = intakeOf({ matter: PHONE_NOTE, receivedAt: later, complainant: wang, evidence: [photo, receipt] });
      const d = await check(repeat, ctx(repeat));
      expect(d).toMatchObject({ kind: 'repeat', of: 'A', newEvidence: true });
      if (d.kind === 'repeat') expect(d.explanation).toContain('带有新附件 1 件：收据.jpg');
    });

    it('recognises new facts (an event after the case was received) and says which', async () => {
      const { cases, check, file, ctx } = setup();
      const a = await file('A', intakeOf({ matter: FIRST, complainant: wang }));
      cases.put(concluded(a, '2025-03-25T10:00:00+08:00'));
      const repeat = intakeOf({ matter: `${PHONE_NOTE}办结后我于5月12日再次前往，仍被要求提供该证明。`, receivedAt: later, complainant: wang });
      const d = await check(repeat, ctx(repeat));
      expect(d).toMatchObject({ kind: 'repeat', newEvidence: true });
      if (d.kind === 'repeat') expect(d.explanation).toContain('提出原案件受理后发生的新情况：5月12日');
    });

    it('does not treat a concluded case as a merge target', async () => {
      const { cases, check, file, ctx } = setup();
      const a = await file('A', intakeOf({ matter: FIRST, complainant: wang }));
      cases.put({ ...concluded(a, '2025-03-25T10:00:00+08:00'), phase: 'follow_up' });
      const repeat = intakeOf({ matter: FIRST, receivedAt: '2025-03-28T10:00:00+08:00', complainant: wang });
      expect((await check(repeat, ctx(repeat))).kind).toBe('repeat');
    });
  });

  it('reads a bounded number of cases per intake however many share the keys', async () => {
    const { cases, index, file } = setup();
    const check = createDuplicateCheck({ index, store: cases, departments: DEPARTMENTS, rules: { maxCandidates: 4 } });
    for (let i = 0; i < 30; i++) await file(`P${i}`, intakeOf({ matter: `${FIRST}（第${i}次）`, complainant: li, receivedAt: '2025-03-06T09:00:00+08:00' }));
    cases.gets = 0;
    const probe = intakeOf({ matter: FIRST, complainant: li, receivedAt: '2025-03-07T09:00:00+08:00' });
    await check(probe, { jurisdiction: JURISDICTION, now: new Date() });
    expect(cases.gets).toBeLessThanOrEqual(4);
  });
});

describe('duplicate thresholds as configuration', () => {
  it('validates the thresholds of a jurisdiction and refuses a possible band above the automatic one', async () => {
    const { JurisdictionConfig } = await import('../../shared/domain/jurisdiction');
    const { loadJurisdiction } = await import('../../shared/config/load');
    const base = { ...loadJurisdiction('510903') };
    expect(JurisdictionConfig.safeParse({ ...base, duplicateMatching: { autoScore: 0.8, possibleScore: 0.45 } }).success).toBe(true);
    const wrong = JurisdictionConfig.safeParse({ ...base, duplicateMatching: { autoScore: 0.5, possibleScore: 0.6 } });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['duplicateMatching', 'possibleScore']);
    expect(JurisdictionConfig.safeParse({ ...base, duplicateMatching: { autoScore: 1.5 } }).success).toBe(false);
    expect(JurisdictionConfig.safeParse({ ...base, duplicateMatching: { autoscore: 0.8 } }).success).toBe(false);
  });
});
