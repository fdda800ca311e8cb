import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';

describe('dynalite harness', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-dynalite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the table with three GSIs on 127.0.0.1 (listen, tests only) and keeps data across a restart on the same path', async () => {
    const first = await startDynalite({ path: dir, listen: true });
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

    const second = await startDynalite({ path: dir, listen: true });
    const client2 = localDynamoClient(second.endpoint);
    const doc2 = documentClient(client2);
    const got = await doc2.send(new GetCommand({ TableName: 'tousu', Key: { pk: 'SEQ#x', sk: 'SEQ' } }));
    expect(got.Item).toEqual({ pk: 'SEQ#x', sk: 'SEQ', n: 1 });
    client2.destroy();
    await second.close();
  });

  // By default dynalite does not listen at all (it accepts any signature): the in-process transport is the only way
  // in, and the LevelDB is closed on close (the same path opens again, in either mode).
  it.each([
    ['worker thread', true],
    ['same thread', false],
  ])('listens on no port by default and still keeps data across a close and reopen (%s)', async (_label, thread) => {
    const path = join(dir, `quiet-${String(thread)}`);
    const first = await startDynalite({ path, thread });
    expect(first.port).toBeUndefined();
    expect(first.endpoint).not.toMatch(/127\.0\.0\.1|localhost/);
    const client = localDynamoClient(first);
    await ensureTable(client, 'tousu');
    await documentClient(client).send(new PutCommand({ TableName: 'tousu', Item: { pk: 'SEQ#y', sk: 'SEQ', n: 2 } }));
    client.destroy();
    await first.close();
    const second = await startDynalite({ path, thread: !thread });
    const client2 = localDynamoClient(second);
    expect((await documentClient(client2).send(new GetCommand({ TableName: 'tousu', Key: { pk: 'SEQ#y', sk: 'SEQ' } }))).Item).toEqual({ pk: 'SEQ#y', sk: 'SEQ', n: 2 });
    client2.destroy();
    await second.close();
  });

  // The in-process transport (handle.requestHandler) must answer exactly as dynalite over HTTP does: items,
  // conditional failures as typed SDK errors, validation errors, GSI queries, large items, unicode.
  describe.each([
    ['worker thread, MessagePort', true],
    ['same thread, direct listener', false],
  ])('in-process transport (%s)', (_label, thread) => {
    it('gives the same answers as HTTP to the same dynalite', async () => {
      const d = await startDynalite({ thread, listen: true });
      const inProcess = localDynamoClient(d);
      const http = localDynamoClient(d.endpoint);
      await ensureTable(inProcess, 'tousu');
      const docA = documentClient(inProcess);
      const docB = documentClient(http);
      const big = '投诉'.repeat(60_000) + '𠮷';
      await docA.send(new PutCommand({ TableName: 'tousu', Item: { pk: 'CASE#1', sk: 'CASE', text: big, gsi1pk: 'P', gsi1sk: '1' } }));
      const viaHttp = await docB.send(new GetCommand({ TableName: 'tousu', Key: { pk: 'CASE#1', sk: 'CASE' } }));
      const viaPort = await docA.send(new GetCommand({ TableName: 'tousu', Key: { pk: 'CASE#1', sk: 'CASE' } }));
      expect(viaPort.Item).toEqual(viaHttp.Item);
      expect(viaPort.Item?.text).toBe(big);

      const conditional = docA.send(new PutCommand({ TableName: 'tousu', Item: { pk: 'CASE#1', sk: 'CASE' }, ConditionExpression: 'attribute_not_exists(pk)' }));
      await expect(conditional).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      await expect(docA.send(new GetCommand({ TableName: 'nope', Key: { pk: 'x', sk: 'y' } }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(docA.send(new UpdateCommand({ TableName: 'tousu', Key: { pk: 'x' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }))).rejects.toMatchObject({
        name: 'ValidationException',
      });

      await docA.send(
        new BatchWriteCommand({ RequestItems: { tousu: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: `E#${i}`, sk: 'E', gsi1pk: 'P', gsi1sk: String(100 + i) } } })) } }),
      );
      const q = await docA.send(new QueryCommand({ TableName: 'tousu', IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'P' } }));
      expect(q.Count).toBe(26);

      // Concurrent calls are matched to their own answers.
      const ids = Array.from({ length: 200 }, (_, i) => i);
      await Promise.all(ids.map((i) => docA.send(new PutCommand({ TableName: 'tousu', Item: { pk: `C#${i}`, sk: 'C', n: i } }))));
      const got = await Promise.all(ids.map((i) => docA.send(new GetCommand({ TableName: 'tousu', Key: { pk: `C#${i}`, sk: 'C' } }))));
      expect(got.map((g) => g.Item?.n)).toEqual(ids);

      http.destroy();
      await d.close();
      // After close, a call fails at once instead of hanging.
      await expect(docA.send(new GetCommand({ TableName: 'tousu', Key: { pk: 'CASE#1', sk: 'CASE' } }))).rejects.toThrow();
      inProcess.destroy();
    });
  });
});
