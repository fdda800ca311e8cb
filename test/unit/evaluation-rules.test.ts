/**
 * Art. 20 boundaries on hand-built quarters: facts come from deriveFacts over hand-built transitions, merged
 * by key as the store does (last write wins), then the pure report is built.
 */
import { describe, expect, it } from '@jest/globals';
import { becameOverdueAt, buildEvaluationReport, deriveFacts, factId, retractedFacts } from '../../shared/domain/evaluation';
import type { EvaluationFact, EvaluationReport, RespondentRow } from '../../shared/domain/evaluation';
import { SUINING_2023 } from '../../shared/domain/rules';
import type { RulesVersion } from '../../shared/domain/rules';
import { Life, concludedCase, newCase, nextId, shift } from './evaluation-fixtures';

const JUR = {
  code: '510903',
  name: '船山区',
  agency: { name: '船山区政务服务管理局' },
  departments: [
    { code: 'SCJGJ', name: '遂宁市船山区市场监督管理局', aliases: ['市场监管局', '船山区市场监督管理局'] },
    { code: 'RSJ', name: '遂宁市船山区人力资源和社会保障局', aliases: ['人社局'] },
  ],
};

function factsOf(lives: Life[]): EvaluationFact[] {
  const byKey = new Map<string, EvaluationFact>();
  for (const l of lives) {
    for (const t of l.transitions) for (const f of deriveFacts(t.before, t.after)) byKey.set(`${f.quarter}|${factId(f)}`, f);
    for (const t of l.transitions) for (const k of retractedFacts(t.before, t.after)) byKey.delete(`${k.quarter}|${k.id}`);
  }
  return [...byKey.values()];
}

function report(quarter: string, lives: Life[], rules: RulesVersion = SUINING_2023): EvaluationReport {
  return buildEvaluationReport({ jurisdiction: JUR, quarter, facts: factsOf(lives).filter((f) => f.quarter === quarter), rules, generatedAt: '2024-04-01T01:00:00.000Z' });
}

const unit = (r: EvaluationReport, name: string): RespondentRow => {
  const row = r.respondents.units.find((u) => u.name === name);
  if (!row) throw new Error(`no unit row ${name}: ${r.respondents.units.map((u) => u.name).join(', ')}`);
  return row;
};
const SCJGJ = '遂宁市船山区市场监督管理局';

const concluded = (n: number, finding: 'substantiated' | 'partial' | 'unfounded', opts: Partial<Parameters<typeof concludedCase>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => concludedCase({ finding, concludedAt: shift('2024-02-05T10:00:00+08:00', i), ...opts }));

describe('art. 20: more than three substantiated complaints in a quarter', () => {
  it('exactly 3 substantiated → still eligible', () => {
    const row = unit(report('2024Q1', concluded(3, 'substantiated')), SCJGJ);
    expect(row).toMatchObject({ substantiated: 3, counted: 3, overdueConclusions: 0, eligible: true });
  });

  it('4 substantiated → not eligible, with the reason', () => {
    const row = unit(report('2024Q1', concluded(4, 'substantiated')), SCJGJ);
    expect(row).toMatchObject({ counted: 4, eligible: false });
    expect(row.reasons.join()).toContain('超过 3 件');
    expect(row.countedCaseIds).toHaveLength(4);
  });

  it('unfounded findings do not count', () => {
    const row = unit(report('2024Q1', [...concluded(3, 'substantiated'), ...concluded(5, 'unfounded')]), SCJGJ);
    expect(row).toMatchObject({ substantiated: 3, unfounded: 5, counted: 3, eligible: true });
  });

  it('partial findings count when countPartial is true, not when it is false', () => {
    const lives = [...concluded(3, 'substantiated'), ...concluded(1, 'partial')];
    expect(unit(report('2024Q1', lives), SCJGJ)).toMatchObject({ partial: 1, counted: 4, eligible: false });
    const strict = { ...SUINING_2023, evaluation: { ...SUINING_2023.evaluation, countPartial: false } };
    expect(unit(report('2024Q1', lives, strict), SCJGJ)).toMatchObject({ partial: 1, counted: 3, eligible: true });
  });

  it('the threshold is the rules version’s number', () => {
    const lenient = { ...SUINING_2023, evaluation: { ...SUINING_2023.evaluation, substantiatedMoreThan: 4 } };
    expect(unit(report('2024Q1', concluded(4, 'substantiated'), lenient), SCJGJ).eligible).toBe(true);
  });

  it('a substantiated case counts in the quarter of its conclusion, not of its receipt', () => {
    const lives = [
      ...concluded(3, 'substantiated'),
      concludedCase({ finding: 'substantiated', receivedAt: '2024-03-25T10:00:00+08:00', concludedAt: '2024-04-02T10:00:00+08:00', resultDueAt: '2024-04-03T23:59:59+08:00' }),
    ];
    expect(unit(report('2024Q1', lives), SCJGJ)).toMatchObject({ counted: 3, eligible: true, received: 4 });
    expect(unit(report('2024Q2', lives), SCJGJ)).toMatchObject({ counted: 1, eligible: true, received: 0 });
  });

  it('a conclusion at 00:10 on 1 April (Shanghai) belongs to Q2 even though it is still 31 March in UTC', () => {
    const lives = [...concluded(3, 'substantiated'), concludedCase({ finding: 'substantiated', concludedAt: '2024-04-01T00:10:00+08:00', resultDueAt: '2024-04-03T23:59:59+08:00' })];
    expect(unit(report('2024Q1', lives), SCJGJ).counted).toBe(3);
    expect(unit(report('2024Q2', lives), SCJGJ).counted).toBe(1);
  });
});

describe('art. 20: any overdue conclusion', () => {
  it('one overdue conclusion → not eligible, even with no substantiated complaint', () => {
    const lives = [
      concludedCase({
        finding: 'unfounded',
        receivedAt: '2024-02-01T10:00:00+08:00',
        resultDueAt: '2024-02-06T23:59:59+08:00',
        overdueMarkedAt: '2024-02-07T00:00:01+08:00',
        concludedAt: '2024-02-09T10:00:00+08:00',
      }),
    ];
    const row = unit(report('2024Q1', lives), SCJGJ);
    expect(row).toMatchObject({ counted: 0, overdueConclusions: 1, eligible: false });
    expect(row.reasons.join()).toContain('超期办结');
  });

  it('counts an overdue case that is not concluded yet (the mark is never erased)', () => {
    const life = new Life(newCase({ caseId: nextId(), receivedAt: '2024-03-01T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .toAcceptance('2024-03-01T10:00:00+08:00', '2024-03-05T23:59:59+08:00')
      .accept('2024-03-04T10:00:00+08:00')
      .classify('transfer', '2024-03-04T11:00:00+08:00', '2024-03-07T23:59:59+08:00')
      .markOverdue('result', '2024-03-08T00:00:00+08:00');
    expect(unit(report('2024Q1', [life]), SCJGJ)).toMatchObject({ overdueConclusions: 1, eligible: false });
  });

  it('overdue in Q1 and concluded in Q2: the overdue counts in Q1 only; a substantiated finding counts in Q2', () => {
    const life = concludedCase({
      finding: 'substantiated',
      receivedAt: '2024-03-20T10:00:00+08:00',
      resultDueAt: '2024-03-25T23:59:59+08:00',
      overdueMarkedAt: '2024-03-26T00:00:02+08:00',
      concludedAt: '2024-04-10T10:00:00+08:00',
    });
    expect(unit(report('2024Q1', [life]), SCJGJ)).toMatchObject({ overdueConclusions: 1, counted: 0, eligible: false });
    expect(unit(report('2024Q2', [life]), SCJGJ)).toMatchObject({ overdueConclusions: 0, counted: 1, eligible: true });
  });

  it('a deadline missed in Q1 counts in Q1 even when the mark was only set at the (late) conclusion in Q2', () => {
    // No timeout fired (e.g. the runtime was down); closing the clock late sets the mark at conclusion time.
    const life = concludedCase({ finding: 'unfounded', receivedAt: '2024-03-20T10:00:00+08:00', resultDueAt: '2024-03-25T23:59:59+08:00', concludedAt: '2024-04-03T10:00:00+08:00' });
    const overdue = factsOf([life]).find((f) => f.kind === 'overdue');
    expect(overdue).toMatchObject({ quarter: '2024Q1', at: '2024-03-25T16:00:00.000Z', markedAt: '2024-04-03T02:00:00.000Z' });
    expect(unit(report('2024Q1', [life]), SCJGJ).eligible).toBe(false);
    expect(unit(report('2024Q2', [life]), SCJGJ)).toMatchObject({ overdueConclusions: 0, eligible: true });
  });

  it('a deadline due on the last day of a quarter becomes overdue in the next quarter', () => {
    expect(becameOverdueAt({ clock: 'result', startedAt: '2024-03-26T10:00:00+08:00', dueAt: '2024-03-31T23:59:59+08:00' })).toBe('2024-03-31T16:00:00.000Z');
    const life = concludedCase({
      finding: 'unfounded',
      receivedAt: '2024-03-26T10:00:00+08:00',
      resultDueAt: '2024-03-31T23:59:59+08:00',
      overdueMarkedAt: '2024-04-01T00:00:00+08:00',
      concludedAt: '2024-04-02T10:00:00+08:00',
    });
    expect(unit(report('2024Q1', [life]), SCJGJ).overdueConclusions).toBe(0);
    expect(unit(report('2024Q2', [life]), SCJGJ).overdueConclusions).toBe(1);
  });

  it('only the result clock is an overdue conclusion; an overdue acceptance decision is reported but does not disqualify', () => {
    const life = new Life(newCase({ caseId: nextId(), receivedAt: '2024-02-01T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .toAcceptance('2024-02-01T10:00:00+08:00', '2024-02-05T23:59:59+08:00')
      .markOverdue('acceptance', '2024-02-06T00:00:00+08:00')
      .accept('2024-02-06T09:00:00+08:00');
    const r = report('2024Q1', [life]);
    expect(unit(r, SCJGJ)).toMatchObject({ overdueConclusions: 0, eligible: true });
    expect(r.byDepartment.find((d) => d.key === 'SCJGJ')?.overdueByClock).toEqual({ acceptance: 1 });
  });

  it('overdueConclusionDisqualifies=false keeps the eligibility', () => {
    const life = concludedCase({
      finding: 'unfounded',
      receivedAt: '2024-02-01T10:00:00+08:00',
      resultDueAt: '2024-02-06T23:59:59+08:00',
      overdueMarkedAt: '2024-02-07T00:00:00+08:00',
      concludedAt: '2024-02-09T10:00:00+08:00',
    });
    const rules = { ...SUINING_2023, evaluation: { ...SUINING_2023.evaluation, overdueConclusionDisqualifies: false } };
    expect(unit(report('2024Q1', [life], rules), SCJGJ)).toMatchObject({ overdueConclusions: 1, eligible: true });
  });
});

describe('respondents: units and persons are counted separately', () => {
  it('a person named in complaints gets a row of their own; the unit counts every complaint against it', () => {
    const lives = [
      ...concluded(3, 'substantiated'),
      concludedCase({ finding: 'substantiated', person: '李四', concludedAt: '2024-03-01T10:00:00+08:00' }),
      concludedCase({ finding: 'substantiated', person: '李 四', concludedAt: '2024-03-02T10:00:00+08:00' }),
    ];
    const r = report('2024Q1', lives);
    expect(unit(r, SCJGJ)).toMatchObject({ counted: 5, eligible: false });
    expect(r.respondents.persons).toHaveLength(1);
    expect(r.respondents.persons[0]).toMatchObject({ kind: 'person', name: '李四', unitName: SCJGJ, counted: 2, eligible: true });
  });

  it('a person with 4 substantiated complaints loses eligibility while their unit with other persons may too', () => {
    const lives = Array.from({ length: 4 }, (_, i) => concludedCase({ finding: 'substantiated', person: '王五', concludedAt: shift('2024-01-15T10:00:00+08:00', i) }));
    const r = report('2024Q1', lives);
    expect(r.respondents.persons[0]).toMatchObject({ name: '王五', counted: 4, eligible: false });
  });

  it('the same name in two units is two persons', () => {
    const lives = [
      concludedCase({ finding: 'substantiated', person: '赵六', unitCode: 'SCJGJ', concludedAt: '2024-02-01T10:00:00+08:00' }),
      concludedCase({ finding: 'substantiated', person: '赵六', unitCode: 'RSJ', concludedAt: '2024-02-01T11:00:00+08:00' }),
    ];
    expect(report('2024Q1', lives).respondents.persons).toHaveLength(2);
  });

  it('a unit written in free text that matches a department alias is that department', () => {
    const lives = [
      ...concluded(2, 'substantiated'),
      concludedCase({ finding: 'substantiated', unit: '市场监管局', concludedAt: '2024-03-10T10:00:00+08:00' }),
      concludedCase({ finding: 'substantiated', unit: '某街道便民服务中心', concludedAt: '2024-03-11T10:00:00+08:00' }),
    ];
    const r = report('2024Q1', lives);
    expect(unit(r, SCJGJ).counted).toBe(3);
    expect(unit(r, '某街道便民服务中心').counted).toBe(1);
  });
});

describe('facts are idempotent', () => {
  it('deriving the same transition twice yields the same facts and keys', () => {
    const life = concludedCase({ finding: 'partial', concludedAt: '2024-02-01T10:00:00+08:00', satisfaction: 'satisfied' });
    for (const t of life.transitions) expect(deriveFacts(t.before, t.after)).toEqual(deriveFacts(t.before, t.after));
  });

  it('an unmerge takes the merged fact back; nothing else is retracted', () => {
    const life = new Life(newCase({ caseId: nextId(), receivedAt: '2024-02-01T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .merge('510903-20240101-0001', '2024-02-01T12:00:00+08:00')
      .unmerge('2024-02-02T12:00:00+08:00', 'screening');
    const last = life.transitions[life.transitions.length - 1]!;
    expect(retractedFacts(last.before, last.after)).toEqual([{ jurisdiction: '510903', quarter: '2024Q1', id: `merged#${life.record.caseId}` }]);
    expect(report('2024Q1', [life]).totals).toMatchObject({ received: 1, merged: 0 });
  });
});

describe('art. 17 analysis per channel and department', () => {
  it('computes volumes, acceptance, on-time, extension and satisfaction rates and the frequent matters', () => {
    const web1 = concludedCase({ finding: 'substantiated', channel: 'web', concludedAt: '2024-02-01T10:00:00+08:00', satisfaction: 'satisfied' });
    const web2 = concludedCase({ finding: 'unfounded', channel: 'web', concludedAt: '2024-02-02T10:00:00+08:00', satisfaction: 'dissatisfied' });
    const mail = new Life(newCase({ caseId: nextId(), receivedAt: '2024-02-03T09:00:00+08:00', channel: 'email', unitCode: 'SCJGJ', matter: '窗口工作人员态度恶劣，对群众不耐烦。' }))
      .toAcceptance('2024-02-03T10:00:00+08:00', '2024-02-06T23:59:59+08:00')
      .accept('2024-02-04T10:00:00+08:00')
      .classify('transfer', '2024-02-04T11:00:00+08:00', '2024-02-08T23:59:59+08:00')
      .extend('2024-02-07T11:00:00+08:00', '2024-02-20T23:59:59+08:00')
      .conclude('partial', '2024-02-19T10:00:00+08:00')
      .followUp('basically_satisfied', '2024-02-20T10:00:00+08:00');
    const rejected = new Life(newCase({ caseId: nextId(), receivedAt: '2024-02-05T09:00:00+08:00', channel: 'email', unitCode: 'RSJ' }))
      .toAcceptance('2024-02-05T10:00:00+08:00', '2024-02-07T23:59:59+08:00', 'RSJ')
      .reject('2024-02-06T10:00:00+08:00');
    const late = concludedCase({ finding: 'unfounded', channel: 'web', receivedAt: '2024-02-10T10:00:00+08:00', resultDueAt: '2024-02-15T23:59:59+08:00', concludedAt: '2024-02-20T10:00:00+08:00' });
    const r = report('2024Q1', [web1, web2, mail, rejected, late]);

    expect(r.totals).toMatchObject({ received: 5, accepted: 4, notAccepted: 1, concluded: 4, concludedOnTime: 3, extended: 1, followUps: 3, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1 });
    expect(r.totals.acceptanceRate).toBeCloseTo(0.8);
    expect(r.totals.onTimeRate).toBeCloseTo(0.75);
    expect(r.totals.extensionRate).toBeCloseTo(0.25);
    expect(r.totals.satisfactionRate).toBeCloseTo(2 / 3);

    const email = r.byChannel.find((g) => g.key === 'email')!;
    expect(email).toMatchObject({ label: '电子邮件', received: 2, accepted: 1, notAccepted: 1, acceptanceRate: 0.5, extended: 1 });
    expect(r.byChannel.find((g) => g.key === 'letter')).toMatchObject({ received: 0, acceptanceRate: null });

    const rsj = r.byDepartment.find((g) => g.key === 'RSJ')!;
    expect(rsj).toMatchObject({ label: '遂宁市船山区人力资源和社会保障局', received: 1, notAccepted: 1, acceptanceRate: 0 });
    expect(r.totals.topMatters[0]).toMatchObject({ topic: 'documents', count: 4 });
    expect(r.totals.topMatters.map((m) => m.topic)).toContain('attitude');
  });

  it('says plainly when a quarter has no data', () => {
    const r = report('2023Q4', []);
    expect(r.factsUsed).toBe(0);
    expect(r.respondents.units).toEqual([]);
    expect(r.notes[0]).toContain('2023年第4季度没有任何考评数据');
  });

  it('a complaint terminated before acceptance is neither accepted nor rejected', () => {
    const life = new Life(newCase({ caseId: nextId(), receivedAt: '2024-02-01T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .toAcceptance('2024-02-01T10:00:00+08:00', '2024-02-05T23:59:59+08:00')
      .terminate('2024-02-02T10:00:00+08:00');
    expect(report('2024Q1', [life]).totals).toMatchObject({ received: 1, accepted: 0, notAccepted: 0, terminated: 1 });
  });
});
