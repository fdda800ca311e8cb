/**
 * EvaluationRecordingStore: facts are written as cases move through the real DynamoCaseStore (dynalite), so a
 * quarter report sees them without anyone calling recordFacts by hand; a fact-store failure never fails the
 * case write.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { EvaluationRecordingStore } from '../../shared/services/evaluation-store';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import { concludedCase } from './evaluation-fixtures';

let dynalite: DynaliteHandle;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  client = localDynamoClient(dynalite);
  doc = documentClient(client);
});

afterAll(async () => {
  client.destroy();
  await dynalite.close();
});

async function fresh() {
  const tableName = `t${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { cases: new DynamoCaseStore({ doc, tableName }), facts: new DynamoEvaluationFactStore({ doc, tableName }) };
}

/** Replays a hand-built life through the store the way mutateCase does: read, then write the next record. */
async function replay(store: EvaluationRecordingStore, life: ReturnType<typeof concludedCase>) {
  const [first, ...rest] = life.transitions;
  let stored = await store.create(first!.after, []);
  for (const { after } of rest) {
    const current = await store.get(stored.caseId);
    stored = await store.update({ ...after, version: current!.version }, current!.version, []);
  }
  return stored;
}

describe('EvaluationRecordingStore', () => {
  it('records the conclusion and the overdue mark of a case as it moves, in the right quarters', async () => {
    const { cases, facts } = await fresh();
    const store = new EvaluationRecordingStore(cases, { facts });
    const life = concludedCase({
      finding: 'substantiated',
      concludedAt: '2026-04-02T10:00:00+08:00',
      resultDueAt: '2026-03-30T23:59:59+08:00',
      overdueMarkedAt: '2026-03-31T00:00:00+08:00',
    });
    await replay(store, life);

    const q2 = await facts.quarter('510903', '2026Q2');
    const q1 = await facts.quarter('510903', '2026Q1');
    const kinds = (list: { kind: string; caseId: string }[]) => list.filter((f) => f.caseId === life.record.caseId).map((f) => f.kind);
    expect(kinds(q2.facts)).toContain('concluded');
    expect(kinds(q1.facts)).not.toContain('concluded');
    expect([...kinds(q1.facts), ...kinds(q2.facts)]).toContain('overdue');
  });

  it('reports a fact-store failure without failing the case write', async () => {
    const { cases } = await fresh();
    const failures: string[] = [];
    const broken: EvaluationFactStore = {
      put: async () => {
        throw new Error('fact store down');
      },
      remove: async () => undefined,
      quarter: async () => ({ facts: [], itemsRead: 0, skipped: [] }),
      reportSent: async () => undefined,
      markReportSent: async () => undefined,
    };
    const store = new EvaluationRecordingStore(cases, { facts: broken, attempts: 2, onError: (id) => failures.push(id) });
    const life = concludedCase({ finding: 'unfounded', concludedAt: '2026-05-06T10:00:00+08:00' });
    const stored = await replay(store, life);
    expect(stored.phase).toBe(life.record.phase);
    expect((await cases.get(stored.caseId))?.conclusion?.finding).toBe('unfounded');
    expect(failures.length).toBe(life.transitions.length);
    expect(new Set(failures)).toEqual(new Set([stored.caseId]));
  });
});
