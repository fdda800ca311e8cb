/**
 * The 12345 outbox (art. 7(2)) on every adapter: memory, SQLite (the runtime) and DynamoDB (AWS, on dynalite) pass
 * the same suite: idempotent add, due order and limit, status lists, and marks that a later mark keeps alive. And
 * the store decorator marks only writes of work-order cases with a reported step, before the write.
 */
import { randomUUID } from 'node:crypto';
import { DynamoWorkOrderOutbox } from '../../shared/adapters/aws/dynamo-workorder-outbox';
import { openDatabase } from '../../shared/adapters/local/sqlite';
import { SqliteWorkOrderOutbox } from '../../shared/adapters/local/sqlite/workorder-outbox';
import { MemoryWorkOrderOutbox } from '../../shared/adapters/memory/workorder-outbox';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import type { WorkOrderOutbox, WorkOrderOutboxItem } from '../../shared/ports/workorder-outbox';
import { withWorkOrderMarks } from '../../shared/services/workorder-marks';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { makeCase, makeEvent } from '../integration/case-store-helpers';
import type { CaseRecord } from '../../shared/domain/case';

let dynalite: DynaliteHandle | undefined;
const opened: { close(): void }[] = [];
const adapters: { name: string; open(): Promise<WorkOrderOutbox> }[] = [
  { name: 'memory', open: async () => new MemoryWorkOrderOutbox() },
  {
    name: 'SQLite',
    open: async () => {
      const db = openDatabase(':memory:');
      opened.push(db);
      const outbox = new SqliteWorkOrderOutbox(db);
      new SqliteWorkOrderOutbox(db); // a second open of the same file creates nothing twice
      return outbox;
    },
  },
  {
    name: 'DynamoDB (dynalite)',
    open: async () => {
      dynalite ??= await startDynalite();
      const client = localDynamoClient(dynalite);
      const tableName = `w${randomUUID().slice(0, 8)}`;
      await ensureTable(client, tableName);
      return new DynamoWorkOrderOutbox({ doc: documentClient(client), tableName });
    },
  },
];

afterAll(async () => {
  for (const o of opened) o.close();
  await dynalite?.close();
});

const item = (id: string, queuedAt: string, nextAttemptAt = queuedAt): WorkOrderOutboxItem => ({
  report: { schema: 'tousu.12345.report.v1', id, workOrderNo: 'WO-1', jurisdiction: '510903', trackingNo: '510903-20260302-0001', kind: 'acceptance', at: queuedAt, status: '已受理' },
  status: 'pending',
  attempts: 0,
  queuedAt,
  nextAttemptAt,
});

describe.each(adapters)('WorkOrderOutbox on $name', (adapter) => {
  let o: WorkOrderOutbox;
  beforeAll(async () => {
    o = await adapter.open();
  });

  it('adds once per report id, lists what is due oldest first up to the limit, and by status', async () => {
    expect(await o.add(item('c1:2', '2026-03-02T01:00:00.000Z'))).toBe(true);
    expect(await o.add(item('c1:2', '2026-03-02T01:05:00.000Z'))).toBe(false);
    expect(await o.add(item('c1:1', '2026-03-02T09:30:00+08:00'))).toBe(true); // 01:30Z: offsets compare as instants
    expect(await o.add(item('c1:3', '2026-03-02T02:00:00.000Z', '2026-03-02T05:00:00.000Z'))).toBe(true);
    expect((await o.due('2026-03-02T03:00:00.000Z', 10)).map((x) => x.report.id)).toEqual(['c1:2', 'c1:1']);
    expect((await o.due('2026-03-02T03:00:00.000Z', 1)).map((x) => x.report.id)).toEqual(['c1:2']);
    const first = (await o.get('c1:2'))!;
    await o.put({ ...first, status: 'delivered', attempts: 1, deliveredAt: '2026-03-02T03:00:00.000Z' });
    await o.put({ ...(await o.get('c1:1'))!, status: 'dead', attempts: 4, deadAt: '2026-03-02T03:00:00.000Z', lastError: { name: 'WebhookError', code: 'http_status', status: 503 } });
    expect(await o.due('2026-03-02T03:00:00.000Z', 10)).toEqual([]);
    expect((await o.due('2026-03-02T05:00:00.000Z', 10)).map((x) => x.report.id)).toEqual(['c1:3']);
    expect((await o.list('dead'))[0]).toMatchObject({ attempts: 4, lastError: { status: 503 } });
    expect((await o.list('delivered')).map((x) => x.report.id)).toEqual(['c1:2']);
    expect((await o.list()).map((x) => x.report.id).sort()).toEqual(['c1:1', 'c1:2', 'c1:3']);
    expect(await o.get('nope')).toBeUndefined();
  });

  it('keeps a mark made again after its collection began; clears it with its own token', async () => {
    await o.markCase('case-a', 't1', '2026-03-02T01:00:00.000Z');
    await o.markCase('case-b', 't2', '2026-03-02T01:01:00.000Z');
    expect((await o.markedCases(10)).map((m) => m.caseId)).toEqual(['case-a', 'case-b']);
    await o.markCase('case-a', 't3', '2026-03-02T01:02:00.000Z'); // a write while the pump collected case-a
    await o.clearMark('case-a', 't1');
    await o.clearMark('case-b', 't2');
    expect((await o.markedCases(10)).map((m) => [m.caseId, m.token])).toEqual([['case-a', 't3']]);
    await o.clearMark('case-a', 't3');
    expect(await o.markedCases(10)).toEqual([]);
  });
});

describe('withWorkOrderMarks', () => {
  const workOrder = (c: CaseRecord): CaseRecord => ({ ...c, intake: { ...c.intake, channel: 'hotline_12345', workOrderNo: 'SN-1' } });

  it('marks a work-order case before a write with a reported step, never another case or step', async () => {
    const s = openSqliteStores(':memory:');
    opened.push(s);
    const outbox = new MemoryWorkOrderOutbox();
    const told: string[] = [];
    let n = 0;
    const clock = { now: () => new Date('2026-03-02T01:00:00.000Z') };
    const store = withWorkOrderMarks(s.store, { outbox, clock, newToken: () => `t${++n}`, onMarked: (id) => told.push(id) });
    const plain = makeCase();
    await store.create(plain, [makeEvent('received')]);
    const p = (await s.store.get(plain.caseId))!;
    await store.update(p, p.version, [makeEvent('accepted')]);
    expect(await outbox.markedCases(10)).toEqual([]);

    const wo = workOrder(makeCase());
    await store.create(wo, [makeEvent('received')]);
    expect(await outbox.markedCases(10)).toEqual([]); // nothing the platform tracks yet
    const stored = (await store.get(wo.caseId))!;
    await store.update(stored, stored.version, [makeEvent('accepted')]);
    expect(await outbox.markedCases(10)).toEqual([{ caseId: wo.caseId, token: 't1', at: '2026-03-02T01:00:00.000Z' }]);
    expect(told).toEqual([wo.caseId]);
    // Reads and the rest pass through to the store.
    expect((await store.timeline(wo.caseId)).map((e) => e.type)).toEqual(['received', 'accepted']);
  });
});
