/**
 * The conditional expressions DynamoCaseStore sends (aws-sdk-client-mock). Behaviour against a real DynamoDB API
 * is covered by test/integration/case-store.test.ts on dynalite.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

  it('creates with attribute_not_exists, then flushes events, then clears pending conditional on the version', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await store.create(makeCase({ caseId: 'C1' }), [makeEvent('received')]);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).toMatchObject({ pk: 'CASE#C1', sk: 'CASE', version: 0, gsi1pk: 'JUR#510903#PHASE#received', gsi3pk: 'JUR#510903' });
    // The record and the pending work are stored as JSON strings (one attribute each, not a deep map).
    expect(JSON.parse(put.Item!.pending as string)).toMatchObject({ syncLinks: false, events: [{ seq: 1, type: 'received' }] });
    expect(JSON.parse(put.Item!.record as string)).toMatchObject({ caseId: 'C1', version: 0 });
    const batch = ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input;
    expect(batch.RequestItems?.tousu?.[0]?.PutRequest?.Item).toMatchObject({ pk: 'CASE#C1', sk: 'EVT#00000001' });
    const clear = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(clear.UpdateExpression).toBe('REMOVE #pending');
    expect(clear.ConditionExpression).toBe('#version = :v AND attribute_exists(#pending)');
    expect(clear.ExpressionAttributeValues).toEqual({ ':v': 0 });
    // order: case item, then events, then the clear
    const order = ddb.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order).toEqual(['PutCommand', 'BatchWriteCommand', 'UpdateCommand']);
  });

  it('updates conditional on the expected version and no pending work; a lost race is ConcurrentUpdateError', async () => {
    ddb.on(PutCommand).rejects(ccf());
    ddb.on(GetCommand).resolves({ Item: { pk: 'CASE#C1', sk: 'CASE', type: 'case', version: 4, record: makeCase({ caseId: 'C1', version: 4 }) } });
    await expect(store.update(makeCase({ caseId: 'C1', version: 3 }), 3, [])).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('#version = :expected AND attribute_not_exists(#pending)');
    expect(put.ExpressionAttributeValues).toEqual({ ':expected': 3 });
    expect(put.Item).toMatchObject({ version: 4 });
    expect(JSON.parse(put.Item!.record as string)).toMatchObject({ version: 4 });
  });

  it('cursors are opaque, bound to their index, and validated', () => {
    const c = encodeCursor('gsi1', { pk: 'CASE#1', sk: 'CASE', gsi1pk: 'x', gsi1sk: 'y' });
    expect(decodeCursor(c, 'gsi1')).toEqual({ pk: 'CASE#1', sk: 'CASE', gsi1pk: 'x', gsi1sk: 'y' });
    expect(() => decodeCursor(c, 'gsi2')).toThrow(ValidationError);
    expect(() => decodeCursor('%%%', 'gsi1')).toThrow(ValidationError);
  });
});
