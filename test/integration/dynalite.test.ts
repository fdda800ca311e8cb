import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';

describe('dynalite harness', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-dynalite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the table with three GSIs on 127.0.0.1 and keeps data across a restart on the same path', async () => {
    const first = await startDynalite({ path: dir });
    expect(first.endpoint).toBe(`http://127.0.0.1:${first.port}`);
    const client = localDynamoClient(first.endpoint);
    await ensureTable(client, 'tousu');
    await ensureTable(client, 'tousu'); // idempotent
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'tousu' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2', 'gsi3']);
    const doc = documentClient(client);
    await doc.send(new PutCommand({ TableName: 'tousu', Item: { pk: 'SEQ#x', sk: 'SEQ', n: 1 } }));
    client.destroy();
    await first.close();

    const second = await startDynalite({ path: dir });
    const client2 = localDynamoClient(second.endpoint);
    const doc2 = documentClient(client2);
    const got = await doc2.send(new GetCommand({ TableName: 'tousu', Key: { pk: 'SEQ#x', sk: 'SEQ' } }));
    expect(got.Item).toEqual({ pk: 'SEQ#x', sk: 'SEQ', n: 1 });
    client2.destroy();
    await second.close();
  });
});
