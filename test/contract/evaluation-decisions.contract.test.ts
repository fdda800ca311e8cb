/**
 * The art. 20 decision store on every adapter: memory, SQLite (the runtime) and DynamoDB (AWS, on dynalite) pass
 * the same suite: a decision is created once, saved only over the revision it replaces, read back whole, and a
 * quarter lists its own decisions only.
 */
import { randomUUID } from 'node:crypto';
import { DynamoEvaluationDecisionStore } from '../../shared/adapters/aws/dynamo-evaluation-decisions';
import { openDatabase } from '../../shared/adapters/local/sqlite';
import { SqliteEvaluationDecisionStore } from '../../shared/adapters/local/sqlite/evaluation-decisions';
import { MemoryEvaluationDecisionStore } from '../../shared/adapters/memory/evaluation-decisions';
import { decisionId } from '../../shared/domain/evaluation/decisions';
import type { EvaluationDecision } from '../../shared/domain/evaluation/decisions';
import { DecisionConflictError } from '../../shared/ports/evaluation-decisions';
import type { EvaluationDecisionStore } from '../../shared/ports/evaluation-decisions';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';

let dynalite: DynaliteHandle | undefined;
const opened: { close(): void }[] = [];
const adapters: { name: string; open(): Promise<EvaluationDecisionStore> }[] = [
  { name: 'memory', open: async () => new MemoryEvaluationDecisionStore() },
  {
    name: 'SQLite',
    open: async () => {
      const db = openDatabase(':memory:');
      opened.push(db);
      const store = new SqliteEvaluationDecisionStore(db);
      new SqliteEvaluationDecisionStore(db); // a second open of the same file creates nothing twice
      return store;
    },
  },
  {
    name: 'DynamoDB (dynalite)',
    open: async () => {
      dynalite ??= await startDynalite();
      const client = localDynamoClient(dynalite);
      const tableName = `d${randomUUID().slice(0, 8)}`;
      await ensureTable(client, tableName);
      return new DynamoEvaluationDecisionStore({ doc: documentClient(client), tableName });
    },
  },
];

afterAll(async () => {
  for (const o of opened) o.close();
  await dynalite?.close();
});

const decision = (quarter: string, key: string, jurisdiction = '510903'): EvaluationDecision => ({
  id: decisionId(jurisdiction, quarter, key),
  jurisdiction,
  quarter,
  respondent: { kind: 'unit', key, name: '遂宁市船山区市场监督管理局', department: 'SCJGJ' },
  status: 'disqualified',
  grounds: [{ caseId: 'c-1', kind: 'overdue' }],
  reasons: ['本季度存在超期办结投诉 1 件（第二十条）'],
  rule: { rulesVersion: 'suining-2023', rulesTitle: 't', substantiatedMoreThan: 3, countPartial: true, overdueConclusionDisqualifies: true },
  revision: 1,
  decidedAt: '2026-04-01T01:00:00.000Z',
  updatedAt: '2026-04-01T01:00:00.000Z',
  history: [{ at: '2026-04-01T01:00:00.000Z', by: 'system', what: 'decided', summary: '取消评优评先资格' }],
  objections: [],
  notices: [],
});

describe.each(adapters)('EvaluationDecisionStore on $name', (adapter) => {
  let s: EvaluationDecisionStore;
  beforeAll(async () => {
    s = await adapter.open();
  });

  it('creates once, then saves only over the revision it replaces', async () => {
    const d = decision('2026Q1', 'code:SCJGJ');
    await s.save(d);
    await expect(s.save(d)).rejects.toBeInstanceOf(DecisionConflictError);
    expect(await s.get('510903', d.id)).toEqual(d);
    const r2 = { ...d, revision: 2, status: 'withdrawn' as const, grounds: [{ caseId: 'c-1', kind: 'overdue' as const, excluded: { at: 'x', by: 'agency:a', reason: '复核不属实' } }] };
    await s.save(r2);
    expect(await s.get('510903', d.id)).toEqual(r2);
    // A writer that read revision 1 cannot overwrite revision 2.
    await expect(s.save({ ...d, revision: 2 })).rejects.toBeInstanceOf(DecisionConflictError);
    await expect(s.save({ ...d, revision: 5 })).rejects.toBeInstanceOf(DecisionConflictError);
    expect((await s.get('510903', d.id))?.status).toBe('withdrawn');
  });

  it('lists a quarter of one jurisdiction by id, and knows nothing of unknown ids', async () => {
    const a = decision('2026Q2', 'code:RSJ');
    const b = decision('2026Q2', 'code:RSJ|张某');
    await s.save(b);
    await s.save(a);
    await s.save(decision('2026Q3', 'code:RSJ'));
    await s.save(decision('2026Q2', 'code:RSJ', '510904'));
    expect((await s.quarter('510903', '2026Q2')).map((d) => d.id)).toEqual([a.id, b.id].sort());
    expect(await s.quarter('510903', '2025Q4')).toEqual([]);
    expect(await s.get('510903', 'nope')).toBeUndefined();
    expect(await s.get('510904', a.id)).toBeUndefined();
  });
});
