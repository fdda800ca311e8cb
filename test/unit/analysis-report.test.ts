/**
 * The art. 17 analysis from real case transitions (the evaluation fixtures through recordFacts into the SQLite fact
 * store): quarter-over-quarter change, a respondent complained about in two quarters, the service item routing
 * recognised, the cause tagged at classification, and the CSV for Excel (BOM, formula-like names defused).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import type { SqliteStores } from '../../shared/adapters/local/sqlite';
import { loadJurisdiction } from '../../shared/config/load';
import type { CaseRecord } from '../../shared/domain/case';
import { recordFacts } from '../../shared/services/evaluation';
import { buildAnalysisReport, renderAnalysisCsv, renderAnalysisHtml } from '../../shared/services/evaluation-analysis';
import { concludedCase, newCase, nextId } from './evaluation-fixtures';

const jurisdiction = loadJurisdiction('510903');
let stores: SqliteStores;
beforeEach(() => {
  stores = openSqliteStores(':memory:');
});
afterEach(() => stores.close());

const clock = { now: () => new Date('2024-07-01T01:00:00Z') };
const tagged = (c: CaseRecord, code: string, by: 'staff' | 'proposed' = 'staff'): CaseRecord => ({ ...c, cause: { code, by, at: c.updatedAt } });
const withItem = (c: CaseRecord, id: string, name: string): CaseRecord => ({
  ...c,
  routing: {
    kind: 'department',
    department: 'SCJGJ',
    name: '遂宁市船山区市场监督管理局',
    confidence: 0.9,
    confident: true,
    reason: `事项：${name}`,
    evidence: [{ step: 'service', text: `事项：${name} → 遂宁市船山区市场监督管理局`, matched: name, item: { id, name } }],
    candidates: [],
    catalogueVersion: 'test',
    at: c.receivedAt,
  },
});

async function put(c: CaseRecord): Promise<void> {
  await recordFacts({ facts: stores.facts }, undefined, c);
}

describe('art. 17 analysis', () => {
  it('counts per quarter with the change, repeat respondents across quarters, items and causes', async () => {
    // 2024Q1: one complaint against SCJGJ; 2024Q2: three, one of them substantiated, one naming a person twice.
    await put(
      tagged(withItem(newCase({ caseId: nextId('20240115'), receivedAt: '2024-01-15T10:00:00+08:00', unitCode: 'SCJGJ', department: 'SCJGJ' }), 'SCJGFJ-yyzz-bg', '营业执照变更登记'), 'shuttle'),
    );
    const q2 = concludedCase({ finding: 'substantiated', receivedAt: '2024-04-08T10:00:00+08:00', concludedAt: '2024-04-12T10:00:00+08:00', satisfaction: 'dissatisfied' });
    await put(tagged(withItem(q2.record, 'SCJGFJ-yyzz-bg', '营业执照变更登记'), 'shuttle', 'proposed'));
    for (const day of ['20240410', '20240411']) {
      await put(
        tagged(
          newCase({ caseId: nextId(day), receivedAt: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T10:00:00+08:00`, unitCode: 'SCJGJ', department: 'SCJGJ', person: '=HYPERLINK("x")' }),
          'attitude',
        ),
      );
    }

    const r = await buildAnalysisReport({ facts: stores.facts, clock }, jurisdiction, '2024Q2', 2);
    expect(r.quarters).toEqual(['2024Q1', '2024Q2']);
    expect(r.trend.map((t) => [t.received, t.substantiated, t.followUps, t.dissatisfied])).toEqual([
      [1, 0, 0, 0],
      [3, 1, 1, 1],
    ]);
    const dept = r.byDepartment.find((d) => d.key === 'SCJGJ')!;
    expect(dept).toMatchObject({ received: [1, 3], current: 3, previous: 1, change: 2, substantiated: 1, followUps: 1, dissatisfied: 1, satisfactionRate: 0 });
    expect(r.byServiceItem.find((i) => i.key === 'SCJGFJ-yyzz-bg')).toMatchObject({ label: '营业执照变更登记', received: [1, 1], change: 0 });
    expect(r.byServiceItem.find((i) => i.key === '(none)')).toMatchObject({ current: 2 });
    expect(Object.fromEntries(r.byCause.filter((c) => c.current > 0).map((c) => [c.key, c.current]))).toEqual({ shuttle: 1, attitude: 2 });
    expect(r.causeTagging).toEqual({ staff: 2, proposed: 1, untagged: 0 });
    // The unit: in both quarters; the person: twice this quarter.
    expect(r.repeatRespondents.map((x) => [x.kind, x.name, x.received])).toEqual([
      ['unit', '遂宁市船山区市场监督管理局', [1, 3]],
      ['person', '=HYPERLINK("x")', [0, 2]],
    ]);

    const csv = renderAnalysisCsv(r);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain('\r\n');
    const html = renderAnalysisHtml(r);
    expect(html).toContain('<polyline');
    expect(html).not.toContain('<script');
    expect(html).toContain('=HYPERLINK(&quot;x&quot;)');
  });
});
