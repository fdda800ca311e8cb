/** The DynamoDB duplicate index against dynalite (the real DynamoDB API over LevelDB), with the real CaseStore. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite, type DynaliteHandle } from '../../infra/local/dynalite';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { DynamoDuplicateIndex, duplicateIndexItemKey } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { fingerprint } from '../../shared/domain/duplicates/index';
import type { IndexKey } from '../../shared/ports/duplicate-index';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { DEPARTMENTS } from '../fixtures/duplicates/labelled-set';
import { intakeOf, JURISDICTION, recordOf } from '../fixtures/duplicates/records';

const TABLE = 'tousu-dup-test';
let dyn: DynaliteHandle;
let doc: DynamoDBDocumentClient;
const calls: string[] = [];

beforeAll(async () => {
  dyn = await startDynalite();
  const client = localDynamoClient(dyn);
  await ensureTable(client, TABLE);
  doc = documentClient(client);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
});

afterAll(async () => {
  doc.destroy();
  await dyn.close();
});

beforeEach(() => {
  calls.length = 0;
});

const band = (n: number, hash = 'deadbeef'): IndexKey => ({ kind: 'band', band: n, hash });

describe('DynamoDuplicateIndex', () => {
  it('stores band and identity items under the reserved LSH#/DUP# keys and finds them again', async () => {
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE });
    const keys: IndexKey[] = [band(0, 'aa'), band(1, 'bb'), { kind: 'phone', hash: 'p1' }];
    await index.add('J1', { caseId: 'case-1', day: '20250305' }, keys);
    await index.add('J1', { caseId: 'case-1', day: '20250305' }, keys); // idempotent
    await index.add('J1', { caseId: 'case-2', day: '20250306' }, [band(0, 'aa')]);

    const item = await doc.send(new GetCommand({ TableName: TABLE, Key: duplicateIndexItemKey('J1', band(0, 'aa')) }));
    expect(item.Item?.pk).toBe('LSH#J1#0#aa');
    expect(duplicateIndexItemKey('J1', { kind: 'phone', hash: 'p1' })).toEqual({ pk: 'DUP#J1#PHONE#p1', sk: 'DUP' });

    calls.length = 0;
    const hits = await index.lookup('J1', [...keys, band(2, 'none')]);
    expect(calls).toEqual(['BatchGetItemCommand']);
    expect(
      hits
        .get('B#0#aa')
        ?.map((e) => e.caseId)
        .sort(),
    ).toEqual(['case-1', 'case-2']);
    expect(hits.get('B#1#bb')).toEqual([{ caseId: 'case-1', day: '20250305' }]);
    expect(hits.get('PHONE#p1')).toEqual([{ caseId: 'case-1', day: '20250305' }]);
    expect(hits.has('B#2#none')).toBe(false);
    // Jurisdictions are separate.
    expect((await index.lookup('J2', keys)).size).toBe(0);
  });

  it('answers more than 100 keys in batches of 100', async () => {
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE });
    const keys = Array.from({ length: 130 }, (_, i) => band(i, 'cc'));
    await index.add('J3', { caseId: 'case-x', day: '20250101' }, keys);
    calls.length = 0;
    const hits = await index.lookup('J3', keys);
    expect(hits.size).toBe(130);
    expect(calls.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(2);
  });

  it('caps the entries of one key, dropping the oldest days', async () => {
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE, maxEntriesPerKey: 3 });
    for (let d = 1; d <= 5; d++) await index.add('J4', { caseId: `c${d}`, day: `2025030${d}` }, [band(0, 'hot'), band(1, 'hot')]);
    const hits = await index.lookup('J4', [band(0, 'hot')]);
    expect(
      hits
        .get('B#0#hot')
        ?.map((e) => e.caseId)
        .sort(),
    ).toEqual(['c3', 'c4', 'c5']);
    // The look-up also trimmed the stored item (the other key, not looked up, still holds all five).
    const stored = async (k: IndexKey) => (await doc.send(new GetCommand({ TableName: TABLE, Key: duplicateIndexItemKey('J4', k) }))).Item?.entries as Set<string>;
    expect([...(await stored(band(0, 'hot')))].sort()).toEqual(['20250303#c3', '20250304#c4', '20250305#c5']);
    expect((await stored(band(1, 'hot'))).size).toBe(5);
  });

  it('files the keys of a case in one TransactWriteItems per 100 keys (issue 26), idempotently', async () => {
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE });
    const keys = [...Array.from({ length: 32 }, (_, i) => band(i, 'tx')), { kind: 'phone' as const, hash: 'p-tx' }, { kind: 'mail' as const, hash: 'm-tx' }];
    await index.add('J6', { caseId: 'case-t', day: '20250101' }, keys);
    expect(calls).toEqual(['TransactWriteItemsCommand']);
    await index.add('J6', { caseId: 'case-t', day: '20250101' }, keys);
    const hits = await index.lookup('J6', keys);
    expect(hits.size).toBe(34);
    expect([...hits.values()].every((e) => e.length === 1 && e[0]!.caseId === 'case-t')).toBe(true);
    calls.length = 0;
    await index.add(
      'J6',
      { caseId: 'case-u', day: '20250102' },
      Array.from({ length: 130 }, (_, i) => band(i, 'ty')),
    );
    expect(calls).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
  });

  it('runs the duplicate check end to end on dynalite: one index read plus a bounded number of case reads', async () => {
    const store = new DynamoCaseStore({ doc, tableName: TABLE });
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE });
    const check = createDuplicateCheck({ index, store, departments: DEPARTMENTS });
    const complainant = { name: '王芳', phone: '13812345678', anonymous: false, wantsReply: true, confidential: false };
    const first = recordOf('510903-20250305-0001', intakeOf({ matter: '3月5日我到不动产登记中心办理二手房过户，5号窗口要求提供清单以外的材料，跑了3趟没办成。', complainant }));
    await store.create(first, [{ at: first.receivedAt, type: 'received', actor: { role: 'system', id: 'tousu' }, phase: 'screening', summary: '已接收' }]);
    await check.indexCase(first);
    expect(fingerprint(first.intake).keys.length).toBeGreaterThan(32);

    calls.length = 0;
    const again = intakeOf({
      channel: 'phone',
      matter: '来电反映：3月5日在不动产中心5号窗口办二手房过户被要求补清单外证明，跑了3次。',
      complainant: { ...complainant, name: '王女士', phone: '138 1234 5678' },
      receivedAt: '2025-03-07T09:00:00+08:00',
    });
    const d = await check(again, { jurisdiction: JURISDICTION, now: new Date() });
    expect(d).toMatchObject({ kind: 'merge', into: '510903-20250305-0001' });
    expect(calls.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(1);
    // The candidate case (GetItem through the CaseStore), nothing else.
    expect(calls.filter((c) => c !== 'BatchGetItemCommand')).toEqual(['GetItemCommand']);
  });

  it('reads several candidates in one BatchGetItem (the index read plus one case read)', async () => {
    const store = new DynamoCaseStore({ doc, tableName: TABLE });
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE });
    const metrics: { candidates: number; fetched: number }[] = [];
    const check = createDuplicateCheck({ index, store, departments: DEPARTMENTS, onMetrics: (m) => metrics.push(m) });
    const matter = '4月2日我到政务服务中心办理营业执照变更，窗口要求提供办事指南以外的材料，来回跑了3趟没办成。';
    const names = ['张伟', '李娜', '刘洋', '陈静'];
    for (const [i, name] of names.entries()) {
      const r = recordOf(`510903-20250402-000${i + 1}`, intakeOf({ matter, complainant: { name, phone: `1391234000${i}`, anonymous: false, wantsReply: true, confidential: false } }));
      await store.create(r, [{ at: r.receivedAt, type: 'received', actor: { role: 'system', id: 'tousu' }, phase: 'screening', summary: '已接收' }]);
      await check.indexCase(r);
    }
    calls.length = 0;
    await check(intakeOf({ matter, complainant: { name: '赵敏', phone: '13700000000', anonymous: false, wantsReply: true, confidential: false } }), { jurisdiction: JURISDICTION, now: new Date() });
    // The four cases above, and the earlier tests' case in the same table when its matter shares a band (since
    // the synonym lexicon, 营照 / 营业执照 are one term); all read in the one batch.
    const m = metrics.at(-1)!;
    expect(m.candidates).toBeGreaterThanOrEqual(4);
    expect(m.fetched).toBe(m.candidates);
    expect(calls).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
  });
});
