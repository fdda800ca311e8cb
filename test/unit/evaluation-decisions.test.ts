/**
 * Art. 20 decisions on the real pieces: case transitions recorded as facts in the SQLite fact store, the quarter's
 * real report, decisions in the SQLite decision store, notices through a MailSender. A quarter's report produces
 * disqualification decisions whose grounds are the cases; a correction (a finding later found unfounded, an upheld
 * objection) removes a ground, re-judges the decision, records the change and tells the unit.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import type { SqliteStores } from '../../shared/adapters/local/sqlite';
import { SqliteEvaluationDecisionStore } from '../../shared/adapters/local/sqlite/evaluation-decisions';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { loadJurisdiction } from '../../shared/config/load';
import type { Actor } from '../../shared/domain/case';
import { RulesRegistry } from '../../shared/domain/rules';
import { recordFacts } from '../../shared/services/evaluation';
import { evaluateQuarterDecisions, fileObjection, readDecision, recordReferralOutcome, ruleOnObjection } from '../../shared/services/evaluation-decisions';
import type { DecisionDeps } from '../../shared/services/evaluation-decisions';
import { concludedCase, shift } from './evaluation-fixtures';
import type { Life } from './evaluation-fixtures';

const jurisdiction = loadJurisdiction('510903');
const agency: Actor = { role: 'agency', id: 'zhuanyuan' };
const liaison: Actor = { role: 'department', id: 'liaison-scjgj', department: 'SCJGJ' };
const otherLiaison: Actor = { role: 'department', id: 'liaison-rsj', department: 'RSJ' };

let stores: SqliteStores;
let mail: MemoryMailSender;
let deps: DecisionDeps;
let now = new Date('2024-04-01T01:00:00Z');

beforeEach(() => {
  stores = openSqliteStores(':memory:');
  mail = new MemoryMailSender();
  now = new Date('2024-04-01T01:00:00Z');
  deps = { facts: stores.facts, decisions: new SqliteEvaluationDecisionStore(stores.db), rules: new RulesRegistry(), clock: { now: () => now }, mail, jurisdiction };
});
afterEach(() => stores.close());

async function record(lives: Life[]): Promise<void> {
  for (const l of lives) for (const t of l.transitions) await recordFacts({ facts: stores.facts }, t.before, t.after);
}

const substantiated = (n: number, extra: Partial<Parameters<typeof concludedCase>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => concludedCase({ finding: 'substantiated', concludedAt: shift('2024-02-05T10:00:00+08:00', i), ...extra }));

describe('art. 20 decisions from a quarter’s report', () => {
  it('records one decision per ineligible respondent, grounds linking the cases, and notifies the unit', async () => {
    const four = substantiated(4);
    const person = concludedCase({
      finding: 'substantiated',
      concludedAt: '2024-03-01T10:00:00+08:00',
      unitCode: 'RSJ',
      person: '王某某',
      overdueMarkedAt: '2024-02-28T00:00:01+08:00',
      resultDueAt: '2024-02-27T23:59:59+08:00',
    });
    const fine = substantiated(3, { unitCode: 'BDCDJ' });
    await record([...four, person, ...fine]);

    const run = await evaluateQuarterDecisions(deps, '2024Q1');
    const scjgj = run.decisions.find((d) => d.respondent.key === 'code:SCJGJ')!;
    expect(scjgj).toMatchObject({ status: 'disqualified', revision: 2, respondent: { kind: 'unit', department: 'SCJGJ', name: '遂宁市船山区市场监督管理局' } });
    expect(scjgj.grounds.map((g) => g.caseId).sort()).toEqual(four.map((l) => l.record.caseId).sort());
    expect(scjgj.grounds.every((g) => g.kind === 'substantiated')).toBe(true);
    expect(scjgj.reasons.join()).toContain('超过 3 件');
    // Three substantiated complaints keep the eligibility: no decision at all for BDCDJ.
    expect(run.decisions.some((d) => d.respondent.key === 'code:BDCDJ')).toBe(false);
    // The staff member: referred to their unit (RSJ), whose own decision rests on the overdue case.
    const staff = run.decisions.find((d) => d.respondent.kind === 'person')!;
    expect(staff).toMatchObject({
      respondent: { name: '王某某', department: 'RSJ' },
      referral: { department: 'RSJ' },
      grounds: expect.arrayContaining([{ caseId: person.record.caseId, kind: 'overdue' }]),
    });
    expect(run.decisions.find((d) => d.respondent.key === 'code:RSJ')?.status).toBe('disqualified');

    // Notified: the unit's chief representative, the agency in copy; case ids only, no complainant.
    const toScjgj = mail.sent.filter((m) => m.to.includes('scjgj.sxdb@chuanshan.example.gov.cn'));
    expect(toScjgj).toHaveLength(1);
    expect(toScjgj[0]!.subject).toContain('取消评优评先资格');
    for (const l of four) expect(toScjgj[0]!.text).toContain(l.record.caseId);
    expect(toScjgj[0]!.text).not.toContain('张三');
    expect(mail.sent.find((m) => m.subject.includes('王某某'))?.text).toContain('所在单位按有关规定或劳动合同约定严肃处理');
    expect(scjgj.notices).toEqual([expect.objectContaining({ department: 'SCJGJ', status: 'disqualified', messageId: expect.any(String) })]);
    expect(scjgj.history.map((h) => h.what)).toEqual(['decided', 'notified']);

    // Evaluating again with nothing new writes and sends nothing.
    const again = await evaluateQuarterDecisions(deps, '2024Q1');
    expect(again.changed).toBe(0);
    expect(mail.sent).toHaveLength(run.notified);
  });

  it('a case later found unsubstantiated drops its ground, the decision is withdrawn, the change recorded and notified', async () => {
    const four = substantiated(4);
    await record(four);
    await evaluateQuarterDecisions(deps, '2024Q1');
    const sentBefore = mail.sent.length;

    // The finding of one case is corrected on review (the case record changes; its facts follow).
    const corrected = four[0]!.record;
    await recordFacts({ facts: stores.facts }, corrected, { ...corrected, version: corrected.version + 1, conclusion: { ...corrected.conclusion!, finding: 'unfounded' } });
    now = new Date('2024-04-10T01:00:00Z');
    const run = await evaluateQuarterDecisions(deps, '2024Q1', agency);
    const d = run.decisions[0]!;
    expect(run.changed).toBe(1);
    expect(d.status).toBe('withdrawn');
    expect(d.grounds.find((g) => g.caseId === corrected.caseId)).toMatchObject({ droppedAt: '2024-04-10T01:00:00.000Z' });
    expect(d.grounds.filter((g) => !g.droppedAt && !g.excluded)).toHaveLength(3);
    expect(d.history.map((h) => h.what)).toEqual(['decided', 'notified', 're_evaluated', 'withdrawn', 'notified']);
    expect(d.history[2]!.summary).toContain(corrected.caseId);
    expect(mail.sent.length).toBe(sentBefore + 1);
    expect(mail.sent.at(-1)!.subject).toContain('撤销');
  });

  it('an upheld objection excludes its ground and re-judges; a rejected one changes nothing', async () => {
    const five = substantiated(5);
    await record(five);
    const [decision] = (await evaluateQuarterDecisions(deps, '2024Q1')).decisions;
    const id = decision!.id;

    // Another department neither sees nor objects to it; a ground must be one of the decision's.
    await expect(readDecision(deps, otherLiaison, id)).rejects.toThrow('未找到');
    await expect(fileObjection(deps, liaison, id, { caseId: 'not-a-ground', text: '有误' })).rejects.toThrow('不是本决定的依据');
    await expect(fileObjection(deps, liaison, id, { caseId: five[0]!.record.caseId, text: ' ' })).rejects.toThrow('请填写异议理由');

    const o1 = await fileObjection(deps, liaison, id, { caseId: five[0]!.record.caseId, text: '该件经复查为投诉人误解政策，不属实' });
    const objection1 = o1.objections[0]!;
    await expect(ruleOnObjection(deps, liaison, id, objection1.id, { upheld: true, reason: 'x' })).rejects.toThrow('只有政务服务管理机构');
    const ruled = await ruleOnObjection(deps, agency, id, objection1.id, { upheld: true, reason: '经调阅业务档案，投诉不属实' });
    // Five minus one is four: still more than three, so still disqualified, one ground excluded.
    expect(ruled.status).toBe('disqualified');
    expect(ruled.grounds.find((g) => g.caseId === five[0]!.record.caseId)?.excluded).toMatchObject({ reason: '经调阅业务档案，投诉不属实', objectionId: objection1.id });
    await expect(ruleOnObjection(deps, agency, id, objection1.id, { upheld: false, reason: 'again' })).rejects.toThrow('已复核');

    const o2 = await fileObjection(deps, liaison, id, { caseId: five[1]!.record.caseId, text: '同一事项重复计算' });
    const kept = await ruleOnObjection(deps, agency, id, o2.objections[1]!.id, { upheld: false, reason: '两件为不同事项' });
    expect(kept.status).toBe('disqualified');
    expect(kept.grounds.find((g) => g.caseId === five[1]!.record.caseId)?.excluded).toBeUndefined();

    const o3 = await fileObjection(deps, liaison, id, { caseId: five[2]!.record.caseId, text: '已撤诉' });
    const sent = mail.sent.length;
    const withdrawn = await ruleOnObjection(deps, agency, id, o3.objections[2]!.id, { upheld: true, reason: '投诉人书面确认不属实' });
    expect(withdrawn.status).toBe('withdrawn');
    expect(mail.sent.length).toBe(sent + 1);
    expect(withdrawn.history.filter((h) => h.what === 'objection_ruled')).toHaveLength(3);

    // A later evaluation keeps the exclusions (the report still counts those cases; the review does not).
    const rerun = await evaluateQuarterDecisions(deps, '2024Q1');
    expect(rerun.changed).toBe(0);
    expect(rerun.decisions[0]!.status).toBe('withdrawn');
  });

  it('a notice the mail system refused is sent by the next evaluation, once', async () => {
    await record(substantiated(4));
    let refuse = true;
    const sent: string[] = [];
    deps.mail = {
      send: async (m) => {
        if (refuse) throw new Error('relay down');
        sent.push(m.subject);
        return { messageId: `<m${sent.length}@test>` };
      },
    };
    await expect(evaluateQuarterDecisions(deps, '2024Q1')).rejects.toThrow('relay down');
    const [saved] = await deps.decisions.quarter('510903', '2024Q1');
    expect(saved).toMatchObject({ status: 'disqualified', notices: [] });
    refuse = false;
    const run = await evaluateQuarterDecisions(deps, '2024Q1');
    expect(run).toMatchObject({ changed: 0, notified: 1 });
    expect(sent).toHaveLength(1);
    expect((await evaluateQuarterDecisions(deps, '2024Q1')).notified).toBe(0);
    expect(sent).toHaveLength(1);
  });

  it('records the unit’s outcome for a referred staff member, and only for a person', async () => {
    const lives = substantiated(4, { unitCode: 'RSJ', person: '李某' });
    await record(lives);
    const { decisions } = await evaluateQuarterDecisions(deps, '2024Q1');
    const person = decisions.find((d) => d.respondent.kind === 'person')!;
    const unit = decisions.find((d) => d.respondent.kind === 'unit')!;
    const rsj: Actor = { role: 'department', id: 'liaison-rsj', department: 'RSJ' };
    await expect(recordReferralOutcome(deps, rsj, unit.id, { text: '已处理' })).rejects.toThrow('工作人员');
    const done = await recordReferralOutcome(deps, rsj, person.id, { text: '依单位考核办法给予通报批评，扣减季度绩效' });
    expect(done.referral).toMatchObject({ department: 'RSJ', outcome: { by: 'department:liaison-rsj', text: '依单位考核办法给予通报批评，扣减季度绩效' } });
    expect(done.history.at(-1)).toMatchObject({ what: 'referral_outcome' });
    expect((await readDecision(deps, rsj, person.id)).referral?.outcome).toBeDefined();
  });
});
