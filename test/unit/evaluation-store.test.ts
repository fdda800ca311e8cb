/**
 * recordFacts / buildQuarterReport on the real store: DynamoEvaluationFactStore over dynalite (in memory).
 * Checks idempotency (a retry writes the same items), partition-only reads (no Scan), and the sent mark.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoEvaluationFactStore, evaluationPk } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { RulesRegistry } from '../../shared/domain/rules';
import { buildQuarterReport, recordFacts } from '../../shared/services/evaluation';
import { Life, concludedCase, newCase, nextId, shift } from './evaluation-fixtures';

let dynalite: DynaliteHandle;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const sent: string[] = [];

beforeAll(async () => {
  dynalite = await startDynalite();
  client = localDynamoClient(dynalite);
  doc = documentClient(client);
  // Record every command the adapters send, to prove that reports never scan.
  const original = doc.send.bind(doc) as (c: unknown) => Promise<unknown>;
  (doc as unknown as { send: (c: unknown) => Promise<unknown> }).send = (command: unknown) => {
    sent.push((command as { constructor: { name: string } }).constructor.name);
    return original(command);
  };
});

afterAll(async () => {
  client.destroy();
  await dynalite.close();
});

async function freshStore(): Promise<{ store: DynamoEvaluationFactStore; table: string }> {
  const table = `t${randomUUID().slice(0, 8)}`;
  await ensureTable(client, table);
  return { store: new DynamoEvaluationFactStore({ doc, tableName: table }), table };
}

async function partition(table: string, jur: string, quarter: string): Promise<Record<string, unknown>[]> {
  const out = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': evaluationPk(jur, quarter) } }));
  return out.Items ?? [];
}

const deps = (store: DynamoEvaluationFactStore) => ({ facts: store, rules: new RulesRegistry(), clock: { now: () => new Date('2024-04-01T01:00:00Z') } });

async function replay(store: DynamoEvaluationFactStore, lives: Life[]): Promise<void> {
  for (const l of lives) for (const t of l.transitions) await recordFacts({ facts: store }, t.before, t.after);
}

describe('evaluation facts in the single table', () => {
  it('files facts under EVAL#<jur>#<quarter> and a retried transition writes the same items', async () => {
    const { store, table } = await freshStore();
    const life = concludedCase({
      finding: 'substantiated',
      receivedAt: '2024-03-28T10:00:00+08:00',
      concludedAt: '2024-04-02T10:00:00+08:00',
      resultDueAt: '2024-04-05T23:59:59+08:00',
      satisfaction: 'satisfied',
    });
    await replay(store, [life]);
    const q1 = await partition(table, '510903', '2024Q1');
    const q2 = await partition(table, '510903', '2024Q2');
    expect(q1.map((i) => i.sk).sort()).toEqual([`accepted#${life.record.caseId}`, `received#${life.record.caseId}`, `classified#${life.record.caseId}`].sort());
    expect(q2.map((i) => i.sk).sort()).toEqual([`concluded#${life.record.caseId}`, `followed_up#${life.record.caseId}`].sort());

    // Retry every transition (e.g. the caller crashed after writing facts): nothing new, nothing changed.
    await replay(store, [life]);
    expect(await partition(table, '510903', '2024Q1')).toEqual(q1);
    expect(await partition(table, '510903', '2024Q2')).toEqual(q2);
  });

  it('a report reads only its quarter partition (Query, never Scan) and applies art. 20', async () => {
    const { store } = await freshStore();
    const lives = [
      ...Array.from({ length: 4 }, (_, i) => concludedCase({ finding: 'substantiated', unitCode: 'RSJ', concludedAt: shift('2024-02-01T10:00:00+08:00', i) })),
      ...Array.from({ length: 3 }, (_, i) => concludedCase({ finding: 'substantiated', unitCode: 'SCJGJ', concludedAt: shift('2024-02-01T10:00:00+08:00', i) })),
      concludedCase({ finding: 'substantiated', unitCode: 'SCJGJ', concludedAt: '2024-05-01T10:00:00+08:00' }),
    ];
    await replay(store, lives);
    sent.length = 0;
    const report = await buildQuarterReport(
      deps(store),
      {
        code: '510903',
        departments: [
          { code: 'RSJ', name: '人社局' },
          { code: 'SCJGJ', name: '市场监管局' },
        ],
      },
      '2024Q1',
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((c) => c === 'QueryCommand')).toBe(true);
    expect(report.respondents.units.map((u) => [u.name, u.counted, u.eligible])).toEqual([
      ['人社局', 4, false],
      ['市场监管局', 3, true],
    ]);
    expect(report.itemsRead).toBe(report.factsUsed);
    expect(report.generatedAt).toBe('2024-04-01T01:00:00.000Z');
  });

  it('an overdue mark stays when the case moves on; an unmerge removes the merged fact', async () => {
    const { store, table } = await freshStore();
    const overdue = new Life(newCase({ caseId: nextId(), receivedAt: '2024-03-01T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .toAcceptance('2024-03-01T10:00:00+08:00', '2024-03-05T23:59:59+08:00')
      .accept('2024-03-04T10:00:00+08:00')
      .classify('transfer', '2024-03-04T11:00:00+08:00', '2024-03-07T23:59:59+08:00')
      .markOverdue('result', '2024-03-08T00:00:00+08:00')
      .conclude('unfounded', '2024-04-03T10:00:00+08:00');
    const merged = new Life(newCase({ caseId: nextId(), receivedAt: '2024-03-02T09:00:00+08:00', unitCode: 'SCJGJ' }))
      .merge(overdue.record.caseId, '2024-03-02T10:00:00+08:00')
      .unmerge('2024-03-03T10:00:00+08:00', 'screening');
    await replay(store, [overdue, merged]);
    const sks = (await partition(table, '510903', '2024Q1')).map((i) => String(i.sk));
    expect(sks).toContain(`overdue#result#${overdue.record.caseId}`);
    expect(sks.some((s) => s.startsWith('merged#'))).toBe(false);
    const report = await buildQuarterReport(deps(store), '510903', '2024Q1');
    expect(report.respondents.units[0]).toMatchObject({ overdueConclusions: 1, eligible: false, overdueCaseIds: [overdue.record.caseId] });
  });

  it('keeps the report-sent mark out of the facts', async () => {
    const { store } = await freshStore();
    await replay(store, [concludedCase({ finding: 'partial', concludedAt: '2024-02-01T10:00:00+08:00' })]);
    expect(await store.reportSent('510903', '2024Q1')).toBeUndefined();
    await store.markReportSent('510903', '2024Q1', '2024-04-01T01:00:00.000Z', 'msg-1');
    expect(await store.reportSent('510903', '2024Q1')).toEqual({ at: '2024-04-01T01:00:00.000Z', messageId: 'msg-1' });
    const { facts, itemsRead, skipped } = await store.quarter('510903', '2024Q1');
    expect(itemsRead).toBe(facts.length + 1);
    expect(skipped).toEqual([]);
  });
});
