/** DynamoDuplicateIndex filing when transactions conflict (aws-sdk-client-mock: dynalite's emulation never conflicts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import type { IndexKey } from '../../shared/ports/duplicate-index';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
const mock = mockClient(doc);
const keys: IndexKey[] = Array.from({ length: 4 }, (_, i) => ({ kind: 'band', band: i, hash: `h${i}` }));

const cancelled = (codes: string[]) => Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

beforeEach(() => mock.reset());

describe('DynamoDuplicateIndex under transaction conflicts', () => {
  it('sends a conflicting transaction again', async () => {
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict', 'None', 'None']))
      .resolves({});
    await new DynamoDuplicateIndex({ doc, tableName: 't' }).add('J', { caseId: 'c', day: '20250101' }, keys);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(mock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('files key by key when the conflicts go on, so that nothing is lost', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None', 'None', 'None']));
    mock.on(UpdateCommand).resolves({});
    await new DynamoDuplicateIndex({ doc, tableName: 't', transactionAttempts: 2 }).add('J', { caseId: 'c', day: '20250101' }, keys);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    const filed = mock
      .commandCalls(UpdateCommand)
      .map((c) => String(c.args[0].input.Key?.pk))
      .sort();
    expect(filed).toEqual(['LSH#J#0#h0', 'LSH#J#1#h1', 'LSH#J#2#h2', 'LSH#J#3#h3']);
  });

  it('fails loudly on any other error (a validation error is not retried)', async () => {
    mock.on(TransactWriteCommand).rejects(Object.assign(new Error('bad'), { name: 'ValidationException' }));
    await expect(new DynamoDuplicateIndex({ doc, tableName: 't' }).add('J', { caseId: 'c', day: '20250101' }, keys)).rejects.toThrow('bad');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
