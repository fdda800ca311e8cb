/**
 * Art. 15 beyond the rectification: other problems found during the inquiry are rectified together and reported
 * with the rectification (even when the complaint itself was unfounded); for an unfounded complaint the unit may ask
 * the agency to help clear the respondent's name, and the agency records what it did. Checked against the seed text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../shared/domain/errors';
import { allowedActions } from '../../shared/domain/lifecycle';
import { AGENCY, DEPT, NAME, PHONE, caseIn } from '../fixtures/lifecycle';
import { REPO } from '../e2e/runtime-helpers';

const CONCLUDED_AT = '2025-03-05T16:00:00+08:00';
const SEED = readFileSync(join(REPO, 'test/fixtures/regulation/suining-2023.txt'), 'utf8');

describe('art. 15: clearing the respondent’s name (澄清事实，消除影响)', () => {
  const unfounded = () =>
    caseIn('handling').act(
      DEPT,
      { action: 'conclude', finding: 'unfounded', summary: '经调取窗口录像核查，投诉不属实。', nameClearing: '投诉在本单位群内转发，请在本单位范围内说明核查结果。' },
      CONCLUDED_AT,
    );

  it('the seed text gives the path this follows', () => {
    expect(SEED).toContain('对投诉失实并且有必要的，可以提请政务服务管理机构协助被投诉人在一定范围内澄清事实，消除影响。');
    expect(SEED).toContain('调查过程中发现投诉以外其他问题的，相关政务服务审批部门（办理单位）应当一并整改。');
  });

  it('records the request with the conclusion, tells the agency, and lets the agency record the clearing', () => {
    const w = unfounded();
    expect(w.c.nameClearing).toMatchObject({ request: expect.stringContaining('本单位范围内'), requestedBy: DEPT });
    const concluded = w.events.find((e) => e.type === 'concluded')!;
    expect(concluded.summary).toContain('提请政务服务管理机构协助被投诉人在一定范围内澄清事实，消除影响（第十五条）');
    const request = w.notices.find((n) => n.kind === 'name_clearing')!;
    expect(request.audience).toBe('agency');
    expect(request.text).toContain('在一定范围内澄清事实，消除影响（《遂宁市政务服务投诉处理办法（试行）》第十五条）');
    // The request as issued is kept with the conclusion event (art. 18).
    expect((concluded.data?.issued as { kind: string }[]).map((d) => d.kind)).toContain('name_clearing');

    expect(w.c.phase).toBe('reply');
    expect(allowedActions(w.c)).toContain('record-name-clearing');
    expect(() => w.act(DEPT, { action: 'record-name-clearing', summary: 'x' }, '2025-03-06T09:00:00+08:00')).toThrow(/无权/);
    w.act(AGENCY, { action: 'record-name-clearing', summary: '已在该局干部大会上通报核查结果。' }, '2025-03-06T09:00:00+08:00');
    expect(w.c.phase).toBe('reply');
    expect(w.c.nameClearing).toMatchObject({ summary: '已在该局干部大会上通报核查结果。', clearedBy: AGENCY });
    expect(w.events.at(-1)).toMatchObject({ type: 'name_cleared' });
    expect(allowedActions(w.c)).not.toContain('record-name-clearing');
  });

  it('refuses a clearing request for a substantiated complaint, in Chinese', () => {
    const w = caseIn('handling');
    expect(() => w.act(DEPT, { action: 'conclude', finding: 'partial', summary: '部分属实。', nameClearing: '请澄清。' }, CONCLUDED_AT)).toThrow(ValidationError);
    try {
      w.act(DEPT, { action: 'conclude', finding: 'partial', summary: '部分属实。', nameClearing: '请澄清。' }, CONCLUDED_AT);
    } catch (err) {
      expect((err as ValidationError).problems[0]).toMatchObject({ field: 'nameClearing', message: expect.stringContaining('投诉失实') });
    }
  });

  it('is not offered when nothing was requested', () => {
    const w = caseIn('handling').act(DEPT, { action: 'conclude', finding: 'unfounded', summary: '不属实。' }, CONCLUDED_AT);
    expect(allowedActions(w.c)).not.toContain('record-name-clearing');
    expect(() => w.act(AGENCY, { action: 'record-name-clearing', summary: 'x' }, '2025-03-06T09:00:00+08:00')).toThrow();
  });
});

describe('art. 15: other problems found during the inquiry (调查中发现的其他问题)', () => {
  it('an unfounded complaint with other problems still files a rectification report, and says so', () => {
    const w = caseIn('handling').act(
      DEPT,
      { action: 'conclude', finding: 'unfounded', summary: '投诉事项不属实。', otherProblems: `核查中发现窗口未公示收费标准（投诉人${NAME}未提及）。` },
      CONCLUDED_AT,
    );
    expect(w.c.phase).toBe('rectification');
    expect(w.c.deadlines.some((d) => d.clock === 'rectification' && !d.metAt)).toBe(true);
    const concluded = w.events.find((e) => e.type === 'concluded')!;
    expect(concluded.summary).toContain('调查中发现投诉以外其他问题，应一并整改（第十五条）');
    // The timeline is read by officials: the complainant's name is not in it.
    expect(concluded.summary).not.toContain(NAME);
    w.act(DEPT, { action: 'file-rectification', summary: '已在窗口公示收费标准。' }, '2025-03-06T10:00:00+08:00');
    expect(w.c.phase).toBe('reply');
    const report = w.notices.find((n) => n.kind === 'rectification_filed')!;
    expect(report.text).toContain('调查中发现的其他问题：核查中发现窗口未公示收费标准（投诉人***未提及）。');
  });

  it('a substantiated complaint with other problems needs their rectification in the report', () => {
    const w = caseIn('handling').act(DEPT, { action: 'conclude', finding: 'substantiated', summary: '属实。', otherProblems: '另发现叫号系统故障未报修。' }, CONCLUDED_AT);
    expect(() => w.act(DEPT, { action: 'file-rectification', summary: '已整改窗口告知。' }, '2025-03-06T10:00:00+08:00')).toThrow(ValidationError);
    w.act(DEPT, { action: 'file-rectification', summary: '已整改窗口告知。', otherProblems: '叫号系统已于3月6日修复。' }, '2025-03-06T10:00:00+08:00');
    expect(w.c.rectification).toMatchObject({ otherProblems: '叫号系统已于3月6日修复。' });
    const report = w.notices.find((n) => n.kind === 'rectification_filed')!;
    expect(report.text).toContain('其他问题整改情况：叫号系统已于3月6日修复。');
    expect(w.events.find((e) => e.type === 'rectification_filed')!.summary).toContain('含调查中发现的投诉以外其他问题的整改情况');
  });

  it('keeps a phone number out of the officials’ report', () => {
    const w = caseIn('handling').act(DEPT, { action: 'conclude', finding: 'partial', summary: '部分属实。', otherProblems: `回访电话${PHONE}长期无人接听。` }, CONCLUDED_AT);
    w.act(DEPT, { action: 'file-rectification', summary: '已整改。', otherProblems: '已增设值班电话。' }, '2025-03-06T10:00:00+08:00');
    // The complainant's identity strings are blanked in the staff's free text (the quoted matter is the intake's, shown as filed).
    expect(w.notices.find((n) => n.kind === 'rectification_filed')!.text).toContain('调查中发现的其他问题：回访电话***长期无人接听。');
  });
});
