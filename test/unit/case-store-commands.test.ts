/**
 * The conditional expressions DynamoCaseStore sends (aws-sdk-client-mock). Behaviour against a real DynamoDB API
 * is covered by test/integration/case-store.test.ts on dynalite.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseStore, createDocumentClient, decodeCursor, encodeCursor } from '../../shared/adapters/aws/dynamo-case-store';
import { ConcurrentUpdateError, ValidationError } from '../../shared/domain/errors';
import { makeCase, makeEvent } from '../integration/case-store-helpers';

const doc = createDocumentClient(new DynamoDBClient({ region: 'ap-east-1' }));
const ddb = mockClient(doc);
const store = new DynamoCaseStore({ doc, tableName: 'tousu' });
const ccf = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

afterEach(() => ddb.reset());

describe('DynamoCaseStore commands', () => {
  it('claims a source with attribute_not_exists(pk) on SRC#<key>', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(store.claimSource('email:<a@b>', '2026-11-27T09:00:00+08:00')).resolves.toEqual({ outcome: 'claimed' });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({ pk: 'SRC#email:<a@b>', sk: 'SRC', claimedAt: '2026-11-27T09:00:00+08:00' });
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('takes over a stale claim conditional on the claimedAt it saw', async () => {
    ddb.on(PutCommand).rejects(ccf());
    ddb.on(GetCommand).resolves({ Item: { pk: 'SRC#k', sk: 'SRC', claimedAt: '2026-11-27T09:00:00+08:00' } });
    ddb.on(UpdateCommand).resolves({});
    await expect(store.claimSource('k', '2026-11-27T09:30:00+08:00', { staleAfterMs: 60_000 })).resolves.toEqual({ outcome: 'claimed' });
    const upd = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(upd.ConditionExpression).toBe('claimedAt = :old AND attribute_not_exists(caseId)');
    expect(upd.ExpressionAttributeValues).toEqual({ ':now': '2026-11-27T09:30:00+08:00', ':old': '2026-11-27T09:00:00+08:00' });
  });

  it('allocates tracking numbers with an atomic ADD on SEQ#TRACK#<jur>#<yyyymmdd>', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { value: 7 } });
    await expect(store.allocateTrackingNo('510903', '2026-11-27')).resolves.toBe('510903-20261127-0007');
    const upd = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(upd.Key).toEqual({ pk: 'SEQ#TRACK#510903#20261127', sk: 'SEQ' });
    expect(upd.UpdateExpression).toContain('ADD #value :one');
    expect(upd.ReturnValues).toBe('UPDATED_NEW');
  });

  it('creates the case item (attribute_not_exists), its events and its facts in one TransactWriteItems (issue 26)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const facts = new DynamoCaseStore({ doc, tableName: 'tousu', facts: true });
    await facts.create(makeCase({ caseId: 'C1' }), [makeEvent('received')]);
    expect(ddb.calls()).toHaveLength(1);
    const tx = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input;
    expect(tx.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    const [caseAction, eventAction, ...rest] = tx.TransactItems!;
    expect(caseAction!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(caseAction!.Put!.Item).toMatchObject({ pk: 'CASE#C1', sk: 'CASE', version: 0, gsi1pk: 'JUR#510903#PHASE#received', gsi3pk: 'JUR#510903' });
    expect(caseAction!.Put!.Item!.pending).toBeUndefined(); // nothing left to complete: no marker, no REMOVE round trip
    expect(JSON.parse(caseAction!.Put!.Item!.record as string)).toMatchObject({ caseId: 'C1', version: 0 });
    expect(eventAction!.Put!.Item).toMatchObject({ pk: 'CASE#C1', sk: 'EVT#00000001' });
    expect(rest.map((r) => String(r.Put?.Item?.sk))).toContain('received#C1');
  });

  it('updates conditional on the expected version and no pending work; a lost race is ConcurrentUpdateError', async () => {
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }));
    ddb.on(GetCommand).resolves({ Item: { pk: 'CASE#C1', sk: 'CASE', type: 'case', version: 4, record: makeCase({ caseId: 'C1', version: 4 }) } });
    await expect(store.update(makeCase({ caseId: 'C1', version: 3 }), 3, [])).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const put = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(put.ConditionExpression).toBe('#version = :expected AND attribute_not_exists(#pending)');
    expect(put.ExpressionAttributeValues).toEqual({ ':expected': 3 });
    expect(put.Item).toMatchObject({ version: 4 });
    expect(JSON.parse(put.Item!.record as string)).toMatchObject({ version: 4 });
  });

  it('writes evaluation facts only when they change since the version it read', async () => {
    const facts = new DynamoCaseStore({ doc, tableName: 'tousu', facts: true });
    const v0 = makeCase({ caseId: 'C3', version: 0 });
    ddb.on(GetCommand).resolves({ Item: { pk: 'CASE#C3', sk: 'CASE', type: 'case', version: 0, record: JSON.stringify(v0) } });
    ddb.on(TransactWriteCommand).resolves({});
    const read = (await facts.get('C3'))!;
    await facts.update({ ...read, phase: 'screening' }, 0, [makeEvent('screening_started')]);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => String(i.Put?.Item?.sk ?? i.Delete?.Key?.sk))).toEqual(['CASE', 'EVT#00000001']); // the received fact is unchanged
    // Without the replaced version at hand, every fact the record yields is written.
    ddb.resetHistory();
    await new DynamoCaseStore({ doc, tableName: 'tousu', facts: true }).update({ ...read, phase: 'screening' }, 0, []);
    const again = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(again.map((i) => String(i.Put?.Item?.sk))).toEqual(['CASE', 'received#C3']);
  });

  it('a change too large for one transaction (over 100 items) falls back to the pending marker protocol', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await store.create(
      makeCase({ caseId: 'C2' }),
      Array.from({ length: 100 }, (_, i) => makeEvent(`e${i}`)),
    );
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(JSON.parse(put.Item!.pending as string).events).toHaveLength(100);
    const clear = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(clear.UpdateExpression).toBe('REMOVE #pending');
    expect(clear.ConditionExpression).toBe('#version = :v AND attribute_exists(#pending)');
    const order = ddb.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order).toEqual(['PutCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'UpdateCommand']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('cursors are opaque, bound to their index, and validated', () => {
    const c = encodeCursor('gsi1', { pk: 'CASE#1', sk: 'CASE', gsi1pk: 'x', gsi1sk: 'y' });
    expect(decodeCursor(c, 'gsi1')).toEqual({ pk: 'CASE#1', sk: 'CASE', gsi1pk: 'x', gsi1sk: 'y' });
    expect(() => decodeCursor(c, 'gsi2')).toThrow(ValidationError);
    expect(() => decodeCursor('%%%', 'gsi1')).toThrow(ValidationError);
  });
});
